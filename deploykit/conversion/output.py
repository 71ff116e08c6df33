"""Writing a converted spec: the whole file or nothing, and never over a file by surprise.

The text goes to a temporary file in the target's directory (same file system, so the final
``os.replace`` is atomic), is fsynced, and only then takes the target's name: a crash, a full
disk or Ctrl-C leaves either the old file or the new one, never half of either. Without
``force`` an existing file is refused, and the final step is a hard link, which fails if a file
appeared under that name meanwhile (where the file system has no hard links, a check before
the rename is the best there is).
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from deploykit.errors import ConfigError


def write_whole(path: str | os.PathLike[str], text: str, *, force: bool = False) -> None:
    """Write ``text`` (UTF-8) to ``path`` atomically; refuse an existing file unless ``force``.

    Raises :class:`ConfigError` (exit 2) naming the file when it exists and ``force`` is off,
    when the path is a directory, or when the directory cannot be written.
    """
    target = Path(path)
    if target.is_dir():
        raise ConfigError(f"{target} is a directory", hint="give -o a file name, e.g. -o eas.json")
    if target.exists() and not force:
        raise ConfigError(f"{target} exists; not overwritten", hint="pass --force to replace it")
    directory = target.parent
    try:
        descriptor, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=directory)
    except OSError as err:
        raise ConfigError(f"cannot write in {directory}: {err.strerror}") from None
    temporary = Path(name)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        _give_usual_mode(temporary)
        _publish(temporary, target, force=force)
    except OSError as err:
        raise ConfigError(f"cannot write {target}: {err.strerror}") from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()
    _sync_directory(directory)


def _publish(temporary: Path, target: Path, *, force: bool) -> None:
    if force:
        temporary.replace(target)
        return
    try:
        target.hardlink_to(temporary)  # fails with FileExistsError if the name was taken meanwhile
    except FileExistsError:
        raise ConfigError(
            f"{target} exists; not overwritten", hint="pass --force to replace it"
        ) from None
    except OSError:
        if target.exists():
            raise ConfigError(
                f"{target} exists; not overwritten", hint="pass --force to replace it"
            ) from None
        temporary.replace(target)


def _give_usual_mode(temporary: Path) -> None:
    # mkstemp creates 0600; a spec file is not a secret by itself, so give it what `open` would.
    umask = os.umask(0)
    os.umask(umask)
    temporary.chmod(0o666 & ~umask)


def _sync_directory(directory: Path) -> None:
    # The rename is durable only once the directory entry is on disk (POSIX; no-op elsewhere).
    if not hasattr(os, "O_DIRECTORY"):
        return
    with contextlib.suppress(OSError):
        handle = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(handle)
        finally:
            os.close(handle)
