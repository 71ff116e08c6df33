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
from typing import Literal, NamedTuple

from deploykit.errors import SpecError

STDIN = "-"
SPEC_SUFFIXES = (".json", ".yaml", ".yml")
DOCKERFILE = "Dockerfile"
# docker-save / OCI archives (`docker save -o image.tar`), possibly compressed.
IMAGE_ARCHIVE_SUFFIXES = (".tar", ".tar.gz", ".tgz")
# Directories no one keeps service specs in; walking them costs time and finds noise.
SKIPPED_DIRS = frozenset({"node_modules", "__pycache__", ".venv", "venv", ".git", ".tox"})


class Target(NamedTuple):
    """One thing to validate. ``path`` is as the user named it (``"-"`` is standard input);
    an ``image`` is a Dockerfile, a directory holding one, or an image archive. (A tuple:
    made, hashed and compared in C, once per file of a 10,000-file corpus.)"""

    path: str
    kind: Literal["spec", "image"]


def discover(paths: Sequence[str], *, platform: str = "auto") -> list[Target]:
    """Every target under ``paths``, in order, each once.

    With ``platform="image"`` each named path is itself one image target (a directory is the
    image's build context). A path that does not exist is a SpecError naming it.
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
    if not os.path.lexists(path):
        raise SpecError(
            "no such file or directory",
            path=path,
            hint="check the path (it is relative to the current directory)",
        )
    if not Path(path).exists():
        raise SpecError(
            "broken symbolic link",
            path=path,
            hint="point the link at an existing file or remove it",
        )
    if platform == "image":
        yield Target(path, "image")
    elif Path(path).is_dir():
        yield from _walk(path, visited=set())
    else:
        yield Target(path, "image" if is_image_file(path) else "spec")


def _walk(directory: str, visited: set[tuple[int, int]]) -> Iterator[Target]:
    """Depth first, entries sorted by name; a directory reached twice through symbolic
    links (a loop, or two links to one place) is walked once."""
    stat = Path(directory).stat()
    identity = (stat.st_dev, stat.st_ino)
    if identity in visited:
        return
    visited.add(identity)
    try:
        entries = sorted(os.scandir(directory), key=lambda entry: entry.name)
    except OSError as err:
        raise SpecError(
            f"cannot list the directory: {err.strerror or err}",
            path=directory,
            hint="make the directory readable, or name the files inside it",
        ) from None
    for entry in entries:
        # Hidden files and directories (.git, .github, .pre-commit-hooks.yaml) hold tooling
        # configuration, not service specs.
        if entry.name.startswith("."):
            continue
        if entry.is_dir():
            if entry.name not in SKIPPED_DIRS:
                yield from _walk(entry.path, visited)
        elif not entry.is_file():
            continue
        elif entry.name == DOCKERFILE:
            yield Target(os.path.normpath(entry.path), "image")
        elif entry.name.lower().endswith(SPEC_SUFFIXES):
            # normpath: `validate .` reports `eas/image.json`, not `./eas/image.json`.
            yield Target(os.path.normpath(entry.path), "spec")
