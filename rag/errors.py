"""Domain errors whose messages are written for the person at the keyboard.

The library raises these; only the edges (CLI exit codes, HTTP handlers) translate them.
"""


class RagError(Exception):
    """Base class: anything the user can act on."""

    exit_code = 1
    http_status = 400


class BadQuestion(RagError):
    """The question or its parameters cannot be answered as given."""

    exit_code = 2
    http_status = 422


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
