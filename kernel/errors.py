"""The root of every error c360 raises on purpose: one class, no imports, so every layer
(settings, ingest, matching, build, publish, the API, the CLI) can derive from it without
an import cycle.

An error is written for the person who runs c360: its message says what happened, its
`hint` (optional) what to do about it. The CLI prints both on one line and exits with
`exit_code`; the traceback is shown only with `--verbose`.
"""

from __future__ import annotations


class C360Error(Exception):
    """Something c360 could not do, said in one line for a person."""

    hint: str | None = None
    exit_code: int = 1

    def __init__(self, message: str = "", *, hint: str | None = None) -> None:
        super().__init__(message)
        if hint is not None:
            self.hint = hint

    def one_line(self) -> str:
        """`what happened — what to do`, on a single line."""
        text = " ".join(str(self).split()) or type(self).__name__
        return f"{text} — {self.hint}" if self.hint else text


def describe(exc: BaseException) -> str:
    """Any exception for a person and a log line: its kind and first line."""
    lines = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {lines[0] if lines else ''}".rstrip(": ")


class CommandFailed(C360Error):
    """A command ends here: its message is already the whole story (exit status given)."""

    def __init__(self, message: str, exit_code: int = 1, *, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.exit_code = exit_code
