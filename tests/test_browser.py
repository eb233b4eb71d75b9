"""The web page in a real browser against a real `rag serve`: what a user actually sees.

Uses Debian's Chromium through Playwright (never `playwright install`: browser
downloads fail offline). Screenshots go to /tmp for a person to look at.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from rag.settings import Settings

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
SCREENSHOTS = Path(os.environ.get("RAG_SCREENSHOT_DIR", "/tmp"))
AGENCY = "What proportion of London CRC staff were agency workers in 2019?"
START_TIMEOUT = 120.0  # seconds for the server to load the model and index

pytestmark = [pytest.mark.slow, pytest.mark.browser]

if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} not found: install Debian's chromium (apt-get install -y chromium)",
                allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright for Python is not installed (pip install playwright)")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def health(base: str) -> int:
    try:
        with urllib.request.urlopen(f"{base}/health", timeout=2) as r:
            return r.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except OSError:
        return 0


@pytest.fixture(scope="module")
def server(seed_settings: Settings, seed_index: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real `rag serve` subprocess on a free loopback port, ready to answer."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "RAG_INDEX_DIR": str(seed_settings.index_dir), "RAG_SEEDS_DIR": str(seed_settings.seeds_dir)}
    log_path = tmp_path_factory.mktemp("serve") / "serve.log"
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "rag.cli", "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=env, stdout=log, stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while (status := health(base)) != 200:
            if proc.poll() is not None:
                pytest.fail(f"rag serve exited with {proc.returncode}:\n{log_path.read_text(errors='replace')}")
            if time.monotonic() > deadline:
                pytest.fail(f"rag serve not ready after {START_TIMEOUT:.0f} s (last /health {status}):\n"
                            f"{log_path.read_text(errors='replace')}")
            time.sleep(0.25)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


def open_page(browser, server: str, width: int, height: int):
    """A fresh page that records console errors and failed page scripts (CSP violations show up here)."""
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    page.errors = []  # type: ignore[attr-defined]
    page.on("console", lambda m: m.type == "error" and page.errors.append(m.text))
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    page.goto(server + "/")
    # Ready once the document filter has been filled from /documents.
    # (A locator, not wait_for_function: the page's CSP rightly forbids evaluating strings.)
    page.locator("#doc option").nth(1).wait_for(state="attached", timeout=30_000)
    return page


def test_asking_shows_the_answer_with_the_figure_highlighted_and_opens_a_citation(browser, server: str) -> None:
    page = open_page(browser, server, 1280, 900)
    expect = sync_api.expect
    page.fill("#q", AGENCY)
    page.press("#q", "Enter")

    answer = page.locator("#answer")
    expect(answer).to_contain_text("one in four", ignore_case=True, timeout=30_000)
    expect(page.locator("#sentence mark").first).to_have_text("one in four", ignore_case=True)
    source = page.locator(".citation.source")
    expect(source).to_have_count(1)
    expect(source.locator(".passage mark").first).to_have_text("one in four", ignore_case=True)
    expect(source.locator(".citation-meta")).to_contain_text("chars")
    assert page.locator(".citation").count() == 5
    assert "q=What+proportion" in page.url  # the question is in the address, to share or reload
    page.screenshot(path=str(SCREENSHOTS / "rag_laptop.png"), full_page=True)

    source.get_by_role("button", name="Show in context").click()
    toggle = source.locator("button[aria-controls]")  # its name is now "Hide context"
    expect(toggle).to_have_attribute("aria-expanded", "true")
    span = source.locator(".context .span")
    expect(span).to_be_visible(timeout=10_000)
    expect(span).to_contain_text("agency workers")
    expect(span.locator("mark").first).to_have_text("one in four", ignore_case=True)
    expect(source.locator(".context .around").first).not_to_be_empty()
    source.scroll_into_view_if_needed()
    page.screenshot(path=str(SCREENSHOTS / "rag_laptop_context.png"), full_page=True)
    assert page.errors == []


def test_a_key_facts_citation_names_its_page_and_a_definition_says_why_there_is_no_figure(browser, server: str) -> None:
    page = open_page(browser, server, 1280, 900)
    expect = sync_api.expect
    page.fill("#q", "How many YOTs were there according to the 2017 annual report?")
    page.press("#q", "Enter")
    expect(page.locator("#answer")).to_have_text("151", timeout=30_000)
    expect(page.locator(".citation.source .citation-meta")).to_contain_text("key facts: Youth Offending Services")
    page.fill("#q", "What is a RAR?")
    page.press("#q", "Enter")
    expect(page.locator("#answer")).to_contain_text("not for a figure", timeout=30_000)
    assert page.locator(".citation").count() == 5
    # A corrected typo is said, not silently searched.
    page.fill("#q", "How many probaton officer vacancies were there across the NPS?")
    page.press("#q", "Enter")
    expect(page.locator("#answer")).to_have_text("615", timeout=30_000)
    expect(page.locator("#status")).to_contain_text("Searched as: “How many probation officer vacancies")
    assert page.errors == []


def test_the_page_works_at_phone_width_from_an_example_question(browser, server: str) -> None:
    page = open_page(browser, server, 390, 844)
    expect = sync_api.expect
    page.get_by_role("button", name=AGENCY).click()
    expect(page.locator("#answer")).to_contain_text("one in four", ignore_case=True, timeout=30_000)
    expect(page.locator("#q")).to_have_value(AGENCY)
    # Nothing overflows sideways on a phone.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    page.screenshot(path=str(SCREENSHOTS / "rag_phone.png"), full_page=True)
    assert page.errors == []


def test_keyboard_only_use_and_clear_messages_for_errors(browser, server: str) -> None:
    page = open_page(browser, server, 1024, 768)
    expect = sync_api.expect
    page.focus("#q")
    page.keyboard.press("Enter")  # nothing typed yet
    expect(page.locator("#status")).to_contain_text("Type a question first")
    expect(page.locator("#status")).to_have_attribute("role", "alert")

    # Filter to one report with the keyboard, then ask about it.
    page.focus("#doc")
    page.select_option("#doc", "003_97cfb1dd66e4e149.txt")
    page.fill("#q", "How many people did London CRC supervise?")
    page.press("#q", "Enter")
    expect(page.locator(".citation").first).to_be_visible(timeout=30_000)
    metas = page.locator(".citation-meta").all_inner_texts()
    assert metas and all("003_97cfb1dd66e4e149.txt" in m for m in metas)

    # An answer or an honest "not found": either way the passages are shown.
    page.select_option("#doc", "")
    page.fill("#q", "What is the airspeed velocity of an unladen swallow?")
    page.press("#q", "Enter")
    expect(page.locator("#status")).to_be_hidden(timeout=30_000)
    expect(page.locator(".citation").first).to_be_visible()
    if "not-found" in (page.get_attribute("#answer-card", "class") or ""):
        expect(page.locator("#answer")).to_contain_text("Not found in the reports")
        page.screenshot(path=str(SCREENSHOTS / "rag_not_found.png"), full_page=True)
    assert page.errors == []


def test_a_server_error_message_is_shown_not_swallowed(browser, server: str) -> None:
    page = open_page(browser, server, 1024, 768)
    expect = sync_api.expect
    # Bypass the input's maxlength the way a pasted URL would: the server's 422 must reach the user.
    page.goto(server + "/?q=" + "a" * 2001)
    expect(page.locator("#status")).to_contain_text("2000", timeout=30_000)
    expect(page.locator("#status")).to_have_class("status error")
    expect(page.locator("#result")).to_be_hidden()
    page.screenshot(path=str(SCREENSHOTS / "rag_error.png"), full_page=True)
