"""What to validate: the paths a user named, expanded into spec and image targets.

PRODUCT.md: ``PATH`` may be a file, a directory (searched recursively for ``*.json``,
``*.yaml``, ``*.yml``) or ``-`` for standard input. A directory that holds a ``Dockerfile``
is also a custom image to check. The order is deterministic (sorted by name, depth first),
so reports and CI logs are stable from one run to the next.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from pathlib import Path
from stat import S_ISDIR, S_ISREG
from typing import Literal, NamedTuple

from deploykit.errors import SpecError
from deploykit.loading.decoding import refusal, unreachable

STDIN = "-"
SPEC_SUFFIXES = (".json", ".yaml", ".yml")
DOCKERFILE = "Dockerfile"
# docker-save / OCI archives (`docker save -o image.tar`), possibly compressed.
IMAGE_ARCHIVE_SUFFIXES = (".tar", ".tar.gz", ".tgz")
# Directories no one keeps service specs in; walking them costs time and finds noise.
SKIPPED_DIRS = frozenset({"node_modules", "__pycache__", ".venv", "venv", ".git", ".tox"})


class Target(NamedTuple):
    """One thing to validate. ``path`` is as the user named it (``"-"`` is standard input);
    an ``image`` is a Dockerfile, a directory holding one, or an image archive. ``problem``
    is set when the path cannot be read at all (a symbolic link loop, an unreadable
    directory, a FIFO): the target is reported with it, beside the others. (A tuple: made,
    hashed and compared in C, once per file of a 10,000-file corpus.)"""

    path: str
    kind: Literal["spec", "image"]
    problem: SpecError | None = None


def discover(paths: Sequence[str], *, platform: str = "auto") -> list[Target]:
    """Every target under ``paths``, in order, each once.

    With ``platform="image"`` each named path is itself one image target (a directory is the
    image's build context). Nothing raises: a path that does not exist, or cannot be listed
    or read, is a target whose ``problem`` says why, in its place in the order, so every
    other file is still checked.
    """
    targets: dict[Target, None] = {}  # insertion-ordered set
    for path in paths:
        for target in _expand(path, platform):
            targets.setdefault(target, None)
    return list(targets)


def is_image_file(name: str) -> bool:
    base = Path(name).name
    return (
        base == DOCKERFILE
        or base.startswith(DOCKERFILE + ".")
        or base.endswith("." + DOCKERFILE)
        or base.lower().endswith(IMAGE_ARCHIVE_SUFFIXES)
    )


def _expand(path: str, platform: str) -> Iterator[Target]:
    if path == STDIN:
        yield Target(STDIN, "spec")
        return
    kind: Literal["spec", "image"] = (
        "image" if platform == "image" or is_image_file(path) else "spec"
    )
    try:
        mode = Path(path).stat().st_mode
    except OSError as err:
        yield Target(path, kind, _missing(err, path))
        return
    if S_ISDIR(mode) and platform != "image":
        yield from _walk(path, visited=set())
    elif S_ISREG(mode) or S_ISDIR(mode):
        yield Target(path, kind)
    else:  # a FIFO, socket or device: refused here, before anything opens it
        yield Target(path, kind, refusal(mode, path))


def _missing(err: OSError, path: str) -> SpecError:
    """Why a named path cannot be reached."""
    if isinstance(err, FileNotFoundError):
        if os.path.lexists(path):
            return SpecError(
                "broken symbolic link",
                path=path,
                hint="point the link at an existing file or remove it",
            )
        return SpecError(
            "no such file or directory",
            path=path,
            hint="check the path (it is relative to the current directory)",
        )
    return unreachable(err, path)


def _walk(directory: str, visited: set[tuple[int, int]]) -> Iterator[Target]:
    """Depth first, entries sorted by name; a directory reached twice through symbolic
    links (a loop, or two links to one place) is walked once. An entry that cannot be
    listed or followed is a target with its problem, in its place."""
    try:
        stat = Path(directory).stat()
        identity = (stat.st_dev, stat.st_ino)
        if identity in visited:
            return
        visited.add(identity)
        entries = sorted(os.scandir(directory), key=lambda entry: entry.name)
    except OSError as err:
        yield Target(
            directory,
            "spec",
            SpecError(
                f"cannot list the directory: {err.strerror or err}",
                path=directory,
                hint="make the directory readable (e.g. chmod a+rx), or name the files inside it",
            ),
        )
        return
    for entry in entries:
        # Hidden files and directories (.git, .github, .pre-commit-hooks.yaml) hold tooling
        # configuration, not service specs.
        if entry.name.startswith(".") or entry.name in SKIPPED_DIRS:
            continue
        yield from _entry(entry, visited)


def _entry(entry: os.DirEntry[str], visited: set[tuple[int, int]]) -> Iterator[Target]:
    kind = _kind_by_name(entry.name)
    # normpath: `validate .` reports `eas/image.json`, not `./eas/image.json`.
    path = os.path.normpath(entry.path)
    try:
        # From the directory listing (no system call) unless the entry is a symbolic link.
        if entry.is_dir():
            yield from _walk(entry.path, visited)
        elif kind is not None and entry.is_file():
            yield Target(path, kind)
        elif kind is not None:  # a spec's name on a FIFO, socket or device: say what it is
            yield Target(path, kind, refusal(entry.stat().st_mode, path))
    except OSError as err:
        # A link loop leads nowhere, and may have been a directory full of specs: always
        # reported. A dangling link is reported where its name is a spec's.
        if kind is not None or not isinstance(err, FileNotFoundError):
            yield Target(path, kind or "spec", _missing(err, path))


def _kind_by_name(name: str) -> Literal["spec", "image"] | None:
    """What a file found in a directory is checked as, by its name (None: not checked)."""
    if name == DOCKERFILE:
        return "image"
    if name.lower().endswith(SPEC_SUFFIXES):
        return "spec"
    return None
