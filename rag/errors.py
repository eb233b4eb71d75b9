"""Domain errors whose messages are written for the person at the keyboard.

The library raises these; only the edges (CLI exit codes, HTTP handlers) translate them.
"""

from collections.abc import Iterable


class RagError(Exception):
    """Base class: anything the user can act on."""

    exit_code = 1
    http_status = 400


class BadQuestion(RagError):
    """The question or its parameters cannot be answered as given."""

    exit_code = 2
    http_status = 422


class NoMatchingDocuments(BadQuestion):
    """A doc or year filter that no indexed report satisfies.

    Answering anyway would say "not found in the reports", which reads as "the
    reports do not hold this figure" when the filter merely excluded them all.
    """


class BadParameter(BadQuestion):
    """A parameter other than the question: a --date, a serve address, an eval-set record."""


class UnknownDocument(RagError):
    exit_code = 2
    http_status = 404


class DocumentError(RagError):
    """A report file that cannot be read, decoded or cleaned into text."""

    exit_code = 3
    http_status = 422


class IndexMissing(RagError):
    exit_code = 4
    http_status = 503


class IndexStale(RagError):
    exit_code = 4
    http_status = 503


class IndexCorrupt(RagError):
    exit_code = 4
    http_status = 503


class ModelError(RagError):
    exit_code = 5
    http_status = 503


class IndexBusy(RagError):
    """Another process is writing the index; writers take turns."""

    exit_code = 6
    http_status = 409


class NotAuthorised(RagError):
    """A write to the library without the configured bearer token."""

    exit_code = 2
    http_status = 401


class WritesDisabled(RagError):
    """Library writes over HTTP need a token in the settings; none is configured."""

    exit_code = 2
    http_status = 403


def shown(value: object, limit: int = 80) -> str:
    """A user's input quoted for a message, cut short: an error must not echo 50 KB back."""
    text = repr(value)
    return text if len(text) <= limit else f"{text[:limit]}… ({len(str(value))} characters)"


def listing(names: Iterable[str], limit: int = 10) -> str:
    """'a, b, c' or 'a, b, ... and 40 more': a message that lists the corpus stays short as it grows."""
    names = sorted(names)
    more = f" and {len(names) - limit} more (GET /documents lists them all)" if len(names) > limit else ""
    return ", ".join(names[:limit]) + more
