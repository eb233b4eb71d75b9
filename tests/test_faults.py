"""Nothing lost, nothing half-written: kill a writer at any point, then load and query.

Two kinds of kill. A child process that re-writes the index dies with `os._exit`
at each step of the write (no cleanup runs, exactly as under SIGKILL); and a
real `rag add` is SIGKILLed while it is embedding. Each time the index must
load, pass its checksums and answer, and the next update must succeed.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest

from rag.corpus import scan_library
from rag.indexing import update_index
from rag.settings import PROJECT_ROOT, Settings
from rag.store import current_version, load_index, pending_changes
from tests.documents import MOORLAND_TEXT

pytestmark = pytest.mark.slow

# Re-writes the live index as a new version, dying at the chosen step.
WRITER = textwrap.dedent("""
    import os, sys
    from pathlib import Path
    import faiss
    import rag.store as store
    from rag.indexing import assemble, extract_part
    from rag.settings import Settings

    index_dir, step = Path(sys.argv[1]), sys.argv[2]
    stored = store.load_index(index_dir)
    parts = [extract_part(stored, d) for d in stored.documents]
    index, chunks, sentences = assemble(parts, Settings(), stored.faiss_index.d)

    def die(*args, **kwargs):
        os._exit(137)

    calls = {"replace": 0}
    real_replace = os.replace
    def replace(src, dst):
        calls["replace"] += 1
        if step == f"replace-{calls['replace']}":
            die()
        return real_replace(src, dst)

    if step == "faiss":
        real_write = faiss.write_index
        def write_half(idx, path):
            real_write(idx, path)
            with open(path, "r+b") as fh:
                fh.truncate(os.path.getsize(path) // 2)
            die()
        faiss.write_index = write_half
    elif step == "fsync":
        store.os.fsync = die
    elif step == "prune":
        store._prune = die
    store.os.replace = replace
    store.write_index(index_dir, dict(stored.manifest, note=step), index, chunks,
                      [p.info for p in parts], {p.info.doc: p.text for p in parts},
                      {p.info.doc: p.offsets for p in parts}, sentences)
    print("finished without dying", flush=True)
""")

STEPS = ["faiss", "fsync", "replace-1", "replace-2", "prune"]


@pytest.fixture()
def library(seed_settings: Settings, seed_index: Path, tmp_path: Path) -> Settings:
    shutil.copytree(seed_settings.seeds_dir, tmp_path / "seeds")
    shutil.copytree(seed_index, tmp_path / "index")
    return seed_settings.model_copy(update={"seeds_dir": tmp_path / "seeds", "index_dir": tmp_path / "index"})


def _env() -> dict:
    return {**os.environ, "PYTHONPATH": str(PROJECT_ROOT), "HF_HUB_OFFLINE": "1"}


def _answers(settings: Settings, encoder) -> None:
    """The index loads with all checksums good and answers a real question."""
    from rag.service import load_service

    service = load_service(settings, encoder=encoder)
    resp = service.ask("What proportion of London CRC staff were agency workers in 2019?")
    assert resp.citations and resp.citations[0].doc in service.documents


@pytest.mark.parametrize("step", STEPS)
def test_a_writer_killed_at_any_step_leaves_a_loadable_correct_index(library, encoder, step):
    before = current_version(library.index_dir)
    proc = subprocess.run([sys.executable, "-c", WRITER, str(library.index_dir), step], env=_env(),
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 137, proc.stdout + proc.stderr
    live = current_version(library.index_dir)
    # Killed before the switch (replace-2 is the switch itself): the old version is live.
    # After it: the new one, complete.
    assert (live == before) == (step != "prune")
    stored = load_index(library.index_dir)
    assert len(stored.chunks) == stored.faiss_index.ntotal > 100
    _answers(library, encoder)
    # The debris of the dead writer does not get in the way of the next update.
    (library.seeds_dir / "moorland.txt").write_text(MOORLAND_TEXT, encoding="utf-8")
    result = update_index(library, encoder)
    assert result.embedded == ("moorland.txt",)
    assert "moorland.txt" in load_index(library.index_dir).documents


def test_rag_add_killed_while_embedding_loses_nothing(library, encoder, tmp_path):
    """A real SIGKILL mid-way through `rag add` of a long report."""
    long_report = tmp_path / "long-review.txt"
    paragraph = ("The review panel examined {n} cases of supervision in the northern region, and found that "
                 "risk assessments were completed on time in {p} per cent of them. ")
    long_report.write_text("\n\n".join(paragraph.format(n=100 + i, p=40 + i % 50) for i in range(3000)),
                           encoding="utf-8")
    before = current_version(library.index_dir)
    proc = subprocess.Popen(
        [sys.executable, "-m", "rag.cli", "--index", str(library.index_dir), "--seeds", str(library.seeds_dir),
         "add", str(long_report)],
        env=_env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    deadline = time.monotonic() + 120
    seen = ""
    while time.monotonic() < deadline and "embedding" not in seen:
        line = proc.stdout.readline()
        if not line:
            break
        seen += line
    assert "embedding" in seen, seen
    time.sleep(1.0)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    assert current_version(library.index_dir) == before  # the half-done update never went live
    _answers(library, encoder)
    # The copied original is kept and shows as pending, so the next build indexes it.
    stored = load_index(library.index_dir)
    assert pending_changes(scan_library(library.seeds_dir), stored).added == ["long-review.txt"]
    assert not np.isnan(stored.faiss_index.reconstruct(0)).any()
