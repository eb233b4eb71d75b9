"""A web page's main text and metadata, with the standard library's HTML parser only.

Reports saved from a website arrive wrapped in menus, cookie banners, share buttons and
scripts. Only the page's own content should be indexed, so this keeps <main>/<article>
when the page has them, drops navigation-like elements everywhere, and turns block
elements into line and paragraph breaks so sentences and headings stay apart.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser

SKIP_TAGS = frozenset({"title", "script", "style", "noscript", "template", "svg", "nav", "footer", "form", "button", "iframe", "head", "object", "canvas", "select", "textarea", "dialog"})
SKIP_ROLES = frozenset({"navigation", "banner", "contentinfo", "search"})
# An <aside> (role "complementary") is the site's sidebar outside the article, but inside it is
# often a report's call-out box ("1 in 4 staff are agency workers"): that one is kept when it
# states a figure and is mostly not links; "Related posts" lists are dropped as before.
SIDEBAR_TAGS = frozenset({"aside"})
SIDEBAR_ROLES = frozenset({"complementary"})
MAX_SIDEBAR_LINK_SHARE = 0.5
MAIN_TAGS = frozenset({"main", "article"})
VOID_TAGS = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr"})
PARAGRAPH_TAGS = frozenset({"p", "aside", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "table", "ul", "ol", "dl", "section", "article", "main", "figure", "address", "hr", "details", "header", "fieldset"})
LINE_TAGS = frozenset({"div", "li", "tr", "dt", "dd", "caption", "figcaption", "br", "summary"})
CELL_TAGS = frozenset({"td", "th"})
DATE_KEYS = ("article:published_time", "datepublished", "date", "dc.date", "dc.date.issued", "dcterms.issued", "dcterms.created")
# Opening one of these closes the element named, unless one of the "scope" elements intervenes (HTML's implied end tags).
IMPLIED_ENDS = {
    "li": ({"li"}, {"ul", "ol"}), "dt": ({"dd", "dt"}, {"dl"}), "dd": ({"dd", "dt"}, {"dl"}),
    "tr": ({"tr", "td", "th"}, {"table"}), "td": ({"td", "th"}, {"tr", "table"}), "th": ({"td", "th"}, {"tr", "table"}),
}
LINE, PARAGRAPH = 1, 2
_CELL = "cell"


@dataclass(frozen=True)
class HtmlPage:
    text: str
    title: str
    dates: tuple[str, ...]  # candidates, most authoritative first, as written in the page
    publisher: str


def html_to_text(html: str) -> HtmlPage:
    """The main text of `html` with its title, date candidates and publisher."""
    parser = _MainTextParser()
    parser.feed(html)
    parser.close()
    meta = parser.meta
    site = meta.get("og:site_name", "")
    title = meta.get("og:title") or _strip_site_suffix(" ".join(parser.title.split()), site) or parser.h1
    dates = [meta[k] for k in DATE_KEYS if meta.get(k)] + parser.ld_dates + parser.main_times + parser.other_times
    publisher = site or meta.get("publisher") or meta.get("author") or ""
    parts = parser.main_parts if parser.saw_main else parser.all_parts
    return HtmlPage(_assemble(parts), title.strip(), tuple(dates), publisher.strip())


def _strip_site_suffix(title: str, site: str) -> str:
    """'Annual report - HM Inspectorate of Probation' -> 'Annual report', only when the suffix is the site's name."""
    for sep in (" - ", " | ", " – ", " — "):
        head, found, tail = title.rpartition(sep)
        if found and site and tail.strip().casefold() == site.strip().casefold():
            return head.strip()
    return title


class _MainTextParser(HTMLParser):
    """Streams the page once, collecting text for the whole body and, separately, for <main>/<article>."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool, bool]] = []  # (tag, skipped, main) for each open element
        self.skip_depth = self.main_depth = self.pre_depth = 0
        self.all_parts: list[tuple[str, str | int]] = []
        self.main_parts: list[tuple[str, str | int]] = []
        self.saw_main = False
        self.meta: dict[str, str] = {}
        self.title = self.h1 = ""
        self.in_title = self.in_ld_json = False
        self.h1_parts: list[str] | None = None
        self.ld_dates: list[str] = []
        self.main_times: list[str] = []  # <time datetime> in <main>/<article> beats one in the page's chrome
        self.other_times: list[str] = []
        self.link_depth = 0
        # For each open in-article sidebar: where its parts start, its text and link-text lengths, and whether it has a figure.
        self.sidebars: list[list[int]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k.lower(): (v or "") for k, v in attrs}
        if tag == "meta":
            key = (a.get("property") or a.get("name") or a.get("itemprop") or "").lower()
            if key and a.get("content", "").strip():
                self.meta.setdefault(key, a["content"].strip())
            return
        if tag == "p" and self.stack and self.stack[-1][0] == "p":
            self._close("p")
        if tag in IMPLIED_ENDS:
            names, scope = IMPLIED_ENDS[tag]
            for open_tag, _, _ in reversed(self.stack):
                if open_tag in scope:
                    break
                if open_tag in names:
                    self._close(open_tag)
                    break
        if tag == "time" and a.get("datetime") and not self.skip_depth:
            (self.main_times if self.main_depth else self.other_times).append(a["datetime"])
        if tag in VOID_TAGS:
            if tag == "br":
                self._emit(("break", LINE))
            elif tag == "hr":
                self._emit(("break", PARAGRAPH))
            return
        sidebar = tag in SIDEBAR_TAGS or a.get("role", "").lower() in SIDEBAR_ROLES
        skipped = (
            tag in SKIP_TAGS
            or (sidebar and not self.main_depth)
            or (tag == "header" and not self.main_depth)  # the site's banner; an article's own header holds its title
            or a.get("role", "").lower() in SKIP_ROLES
            or "hidden" in a
            or a.get("aria-hidden", "").lower() == "true"
        )
        if tag == "title" and not self.title and "svg" not in (t for t, _, _ in self.stack):
            self.in_title = True
        if tag == "script" and "ld+json" in a.get("type", ""):
            self.in_ld_json = True
        self._block_break(tag)
        is_main = tag in MAIN_TAGS and not self.skip_depth and not skipped
        self.stack.append((tag, skipped, is_main))
        if sidebar and not skipped and not self.skip_depth:
            self.sidebars.append([len(self.stack), len(self.all_parts), len(self.main_parts), 0, 0, 0])
        self.link_depth += tag == "a"
        self.skip_depth += skipped
        self.main_depth += is_main
        self.saw_main = self.saw_main or is_main
        self.pre_depth += tag == "pre"
        if tag == "h1" and not self.h1 and not self.skip_depth:
            self.h1_parts = []
        if tag in CELL_TAGS:
            self._emit((_CELL, 0))

    def handle_endtag(self, tag: str) -> None:
        if any(open_tag == tag for open_tag, _, _ in self.stack):
            self._close(tag)

    def handle_data(self, data: str) -> None:
        if self.in_title:
            self.title += data
        if self.in_ld_json:
            self.ld_dates += re.findall(r'"datePublished"\s*:\s*"([^"]+)"', data)
        if self.skip_depth:
            return
        if self.h1_parts is not None:
            self.h1_parts.append(data)
        self._emit(("pre" if self.pre_depth else "text", data))
        for record in self.sidebars:
            record[3] += len(data.strip())
            record[4] += len(data.strip()) if self.link_depth else 0
            record[5] = record[5] or any(ch.isdigit() for ch in data)

    def _close(self, tag: str) -> None:
        """Pop elements up to and including the innermost open `tag` (closing any left open inside it)."""
        while self.stack:
            open_tag, skipped, is_main = self.stack[-1]
            self._block_break(open_tag)
            self.stack.pop()
            self.skip_depth -= skipped
            self.main_depth -= is_main
            self.pre_depth -= open_tag == "pre"
            self.link_depth -= open_tag == "a"
            if self.sidebars and self.sidebars[-1][0] == len(self.stack) + 1:
                self._settle_sidebar(self.sidebars.pop())
            if open_tag == "title":
                self.in_title = False
            if open_tag == "script":
                self.in_ld_json = False
            if open_tag == "h1" and self.h1_parts is not None:
                self.h1, self.h1_parts = " ".join("".join(self.h1_parts).split()), None
            if open_tag == tag:
                return

    def _settle_sidebar(self, record: list[int]) -> None:
        """Drop a closed in-article sidebar's text unless it is a call-out with a figure."""
        _, all_at, main_at, chars, link_chars, has_figure = record
        if has_figure and chars and link_chars <= MAX_SIDEBAR_LINK_SHARE * chars:
            return
        del self.all_parts[all_at:]
        del self.main_parts[main_at:]
        for outer in self.sidebars:  # an enclosing sidebar no longer holds that text
            outer[3] -= chars
            outer[4] -= link_chars

    def _block_break(self, tag: str) -> None:
        if tag in PARAGRAPH_TAGS:
            self._emit(("break", PARAGRAPH))
        elif tag in LINE_TAGS:
            self._emit(("break", LINE))

    def _emit(self, part: tuple[str, str | int]) -> None:
        if self.skip_depth:
            return
        self.all_parts.append(part)
        if self.main_depth:
            self.main_parts.append(part)


def _assemble(parts: list[tuple[str, str | int]]) -> str:
    """Join text parts: collapse whitespace (except in <pre>), merge breaks, join a row's cells with ' | '."""
    chunks: list[str] = []
    pending = 0  # strongest break requested since the last text
    cell = line_has_text = False
    for kind, value in parts:
        if kind == "break":
            if chunks:  # no breaks before the first text
                pending = max(pending, int(value))
            continue
        if kind == _CELL:
            cell = line_has_text
            continue
        text = str(value) if kind == "pre" else re.sub(r"\s+", " ", str(value))
        at_line_start = pending or cell or not line_has_text or chunks[-1].endswith((" ", "\n"))
        if at_line_start and kind != "pre":
            text = text.lstrip(" ")
        if not text:
            continue
        if pending or cell:
            chunks[-1] = chunks[-1].rstrip(" ")
            chunks.append("\n" * pending if pending else " | ")
            pending, cell = 0, False
        chunks.append(text)
        line_has_text = not chunks[-1].endswith("\n")
    return "".join(chunks).rstrip()
