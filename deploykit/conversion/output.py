"""Writing a converted spec: keys in the order users write them, the whole file or nothing,
and never over a file by surprise.

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
from typing import Any

from deploykit.errors import ConfigError


def ordered(document: dict[str, Any]) -> dict[str, Any]:
    """``document`` with its keys in the order users write these files (``ORDER``)."""
    result: dict[str, Any] = _ordered(document, ORDER)
    return result


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


# Key order of the output, as users write these files (metadata first in EAS, like seeds/004).
ORDER: dict[str, Any] = {
    "metadata": {"name": None, "instance": None, "cpu": None, "memory": None},
    "containers": {
        "image": None,
        "command": None,
        "script": None,
        "port": None,
        "env": None,
        "prepare": None,
        "health_check": None,
        "readiness_check": None,
        "startup_check": None,
    },
    "model_algorithm": None,
    "model_type": None,
    "swr_location": None,
    "port": None,
    "apis": None,
    "dependencies": None,
    "health": None,
    "readiness_health": None,
    "startup_health": None,
}


def _ordered(value: Any, order: Any) -> Any:
    if isinstance(value, list):
        return [_ordered(item, order) for item in value]
    if not isinstance(value, dict) or not isinstance(order, dict):
        return value
    keys = [k for k in order if k in value] + [k for k in value if k not in order]
    return {k: _ordered(value[k], order.get(k)) for k in keys}
