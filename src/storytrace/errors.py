"""One base error, few subclasses; messages are one line naming the file (and record) and cause."""

from __future__ import annotations


class StorytraceError(Exception):
    """Base of every error storytrace raises on purpose."""


class InputError(StorytraceError):
    """A file or record that cannot be read; the run skips it and goes on with the rest.

    ``origin`` is the path as given, plus ``#L<line>`` or ``#<offset>`` for a record inside it.
    """

    def __init__(self, origin: str, cause: str) -> None:
        super().__init__(f"{origin}: {cause}")
        self.origin = origin
        self.cause = cause


class StoreError(StorytraceError):
    """The store cannot be opened or migrated."""
