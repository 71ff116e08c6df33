"""The CLI's only way to print. Results go to stdout, messages and progress to stderr.

While a command waits, :func:`status` shows a spinner on stderr — on a terminal only, with
rich (which ships with typer and honours ``NO_COLOR``). Lines printed meanwhile go above it:
the spinner is taken down for each line and drawn again after, so stdout keeps exactly the
lines a script reads and nothing else.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from deploykit.errors import DeployKitError

if TYPE_CHECKING:
    from rich.live import Live

_spinner: Live | None = None  # the status shown on stderr right now, if any


def out(text: str = "", *, flush: bool = False) -> None:
    """A line of the command's result (stdout); ``flush`` for lines a script waits for."""
    with _above_status():
        sys.stdout.write(text + "\n")
        if flush or _spinner is not None:
            sys.stdout.flush()


def note(text: str) -> None:
    """A human message that is not the result (stderr)."""
    with _above_status():
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


@contextmanager
def status(text: str, *, enabled: bool = True) -> Iterator[Callable[[str], None]]:
    """A spinner with ``text`` and the seconds waited, on stderr while the block runs; the
    callable it gives replaces the text. Nothing at all unless stderr is a terminal."""
    global _spinner
    if not enabled or not sys.stderr.isatty():
        yield lambda _text: None
        return
    from rich.console import Console
    from rich.live import Live
    from rich.spinner import Spinner
    from rich.text import Text

    started = time.monotonic()
    shown = [text]
    spinner = Spinner("dots")

    def render() -> Spinner:
        # Text, not a markup string: a status such as "[Total: 2]" must print as it is.
        spinner.update(text=Text(f"{shown[0]}  {time.monotonic() - started:.0f}s"))
        return spinner

    # Redirection off: rich would send our stdout lines to its (stderr) console.
    live = Live(console=Console(stderr=True), get_renderable=render, transient=True,
                redirect_stdout=False, redirect_stderr=False, refresh_per_second=12.5)
    live.start()
    _spinner = live
    try:
        yield lambda new: shown.__setitem__(0, new)
    finally:
        _spinner = None
        live.stop()


@contextmanager
def _above_status() -> Iterator[None]:
    live = _spinner
    if live is None:
        yield
        return
    live.stop()  # erases the spinner line (transient)
    try:
        yield
    finally:
        live.start()
