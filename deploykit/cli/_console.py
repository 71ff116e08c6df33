"""The CLI's only way to print. Results go to stdout, messages and progress to stderr."""

from __future__ import annotations

import sys

from deploykit.errors import DeployKitError


def out(text: str = "", *, flush: bool = False) -> None:
    """A line of the command's result (stdout); ``flush`` for lines a script waits for."""
    sys.stdout.write(text + "\n")
    if flush:
        sys.stdout.flush()


def note(text: str) -> None:
    """A human message that is not the result (stderr)."""
    sys.stderr.write(text + "\n")
    sys.stderr.flush()


def error(err: DeployKitError | str) -> None:
    """One line of cause, then the fix when there is one (stderr)."""
    if isinstance(err, DeployKitError):
        note(f"error: {err}")
        if err.hint:
            note(f"  fix: {err.hint}")
    else:
        note(f"error: {err}")
