"""Text from reports made safe to print on a terminal.

Reports, titles and file names come from outside; printed raw, a report containing
"ESC ] 0 ; ... BEL" retitles the user's window, and others can recolour or clear the
screen or move the cursor to overwrite what was printed. JSON output keeps the text as is.
"""

from __future__ import annotations

import re

# Terminal escape sequences (CSI "ESC [ ... m", OSC "ESC ] ... BEL" or "... ESC \", two-byte
# "ESC x"), then any other C0 or C1 control character except newline and tab.
_TERMINAL_CONTROLS = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-_]"
                                r"|[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def plain(text: str) -> str:
    """Text for the terminal with escape sequences and control characters removed (newline and tab kept)."""
    return _TERMINAL_CONTROLS.sub("", text)
