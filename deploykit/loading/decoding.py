"""Bytes → text: reading a spec file or stdin, and refusing what is not UTF-8 text.

JSON text exchanged between systems must be UTF-8 (RFC 8259 §8.1) and EAS/ModelArts read
it so; YAML specs are read the same way. Each refusal is a :class:`SpecError` whose message
is the one-line cause and whose hint is the fix (issue #2, "Bad input").
"""

from __future__ import annotations

import codecs
import errno
import os
import sys
from stat import S_ISBLK, S_ISCHR, S_ISDIR, S_ISFIFO, S_ISREG, S_ISSOCK

from deploykit.errors import SpecError
from deploykit.loading.findings import NOT_A_REGULAR_FILE
from deploykit.loading.limits import MAX_SPEC_BYTES, describe_size
from deploykit.loading.source_map import position_of

_UTF8_BOM = codecs.BOM_UTF8
# Longest first: the UTF-32 LE BOM starts with the UTF-16 LE one.
_OTHER_BOMS = (
    (codecs.BOM_UTF32_LE, "UTF-32"),
    (codecs.BOM_UTF32_BE, "UTF-32"),
    (codecs.BOM_UTF16_LE, "UTF-16"),
    (codecs.BOM_UTF16_BE, "UTF-16"),
)
_BOM_FIRST_BYTES = {bom[:1] for bom, _ in _OTHER_BOMS}
_SAVE_AS_UTF8 = "save the file as UTF-8 (in most editors: 'Save with encoding' → UTF-8)"


def read_file(path: str) -> bytes:
    """The bytes of ``path``, at most :data:`MAX_SPEC_BYTES` of them.

    Plain ``os`` calls on a descriptor: a corpus run reads thousands of small files, and
    ``pathlib`` plus a buffered file object cost more than the ``json.loads`` that follows.
    Only a regular file is opened: opening a FIFO waits for a writer, forever in CI.
    """
    try:
        info = os.stat(path)  # noqa: PTH116 - per file of a corpus: no Path object (above)
        refused = refusal(info.st_mode, path)
        if refused is not None:
            raise refused
        check_size(info.st_size, path)
        # O_NONBLOCK: should the file be swapped for a FIFO after the stat, the open still
        # returns at once (a regular file ignores the flag).
        descriptor = os.open(path, _OPEN_FLAGS)
        try:
            data = _read_bounded(descriptor, info.st_size, path)
        finally:
            os.close(descriptor)
    except FileNotFoundError:
        raise SpecError(
            "no such file",
            path=path,
            hint="check the path (it is relative to the current directory)",
        ) from None
    except PermissionError:
        raise SpecError(
            "permission denied",
            path=path,
            hint="make the file readable by this user (e.g. chmod a+r), or run as its owner",
        ) from None
    except OSError as err:
        raise unreachable(err, path) from None
    return data


_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_NONBLOCK", 0)
# What a path that is not a regular file is, in words (the stat module's own predicates).
_SPECIAL_FILES = (
    (S_ISFIFO, "a FIFO (named pipe)"),
    (S_ISSOCK, "a socket"),
    (S_ISCHR, "a character device"),
    (S_ISBLK, "a block device"),
)


def refusal(mode: int, path: str) -> SpecError | None:
    """Why a path of this ``stat`` mode is not read, or None for a regular file."""
    if S_ISREG(mode):
        return None
    if S_ISDIR(mode):
        return SpecError(
            "is a directory, expected a spec file",
            path=path,
            hint="name a .json/.yaml file, or pass the directory to validate every spec in it",
        )
    kind = next((name for test, name in _SPECIAL_FILES if test(mode)), "not a regular file")
    return SpecError(
        f"is {kind}, not a regular file: not read",
        path=path,
        hint="name the spec file itself; to pipe a spec in, use `-` "
        "(cat spec.json | deploykit validate -)",
        rule=NOT_A_REGULAR_FILE.id,
    )


def unreachable(err: OSError, path: str) -> SpecError:
    """A path that cannot be reached or read, for a reason other than a missing file or a
    permission (those have their own words): a symbolic link loop, an I/O error."""
    if err.errno == errno.ELOOP:
        return SpecError(
            "symbolic link loop: the link leads back to itself, not to a file",
            path=path,
            hint="point the link at a real file or directory, or remove it",
        )
    return SpecError(
        f"cannot read the file: {err.strerror or err}",
        path=path,
        hint="check that the path is a regular, readable file",
    )


def _read_bounded(descriptor: int, size: int, path: str) -> bytes:
    # A regular file's size is known: ask for one byte more, to see the end in one read.
    chunks: list[bytes] = []
    total = 0
    while chunk := os.read(descriptor, size + 1):
        chunks.append(chunk)
        total += len(chunk)
        check_size(total, path)  # it grew while we read it
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


def read_stdin(display_path: str) -> bytes:
    """Standard input as bytes, bounded like a file."""
    stream = getattr(sys.stdin, "buffer", None)
    if stream is None:  # no stdin at all (a daemon, `pythonw`), or a text-only replacement
        raise SpecError(
            "standard input is not available",
            path=display_path,
            hint="pipe the spec in (cat spec.json | deploykit validate -) or name the file",
        )
    try:
        data: bytes = stream.read(MAX_SPEC_BYTES + 1)
    except OSError as err:
        raise SpecError(
            f"cannot read standard input: {err.strerror or err}",
            path=display_path,
            hint="pipe the spec in (cat spec.json | deploykit validate -) or name the file",
        ) from None
    check_size(len(data), display_path)
    return data


def decode(data: bytes, path: str) -> str:
    """UTF-8 ``data`` as text without its BOM, or a SpecError saying what it is instead."""
    for bom, encoding in _OTHER_BOMS if data[:1] in _BOM_FIRST_BYTES else ():
        if data.startswith(bom):
            raise SpecError(
                f"file is {encoding}-encoded (it starts with a {encoding} byte-order mark)",
                path=path,
                hint=_SAVE_AS_UTF8,
            )
    skipped = len(_UTF8_BOM) if data.startswith(_UTF8_BOM) else 0
    if skipped:
        data = data[skipped:]
    nul = data.find(b"\x00")
    if nul >= 0:
        raise _binary(data, skipped + nul, path)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise _not_utf8(data, err, skipped, path) from None
    check_not_empty(text, path)
    return text


def strip_bom(text: str) -> str:
    """Text handed over as ``str`` may still carry a decoded BOM (U+FEFF)."""
    return text[1:] if text.startswith("\ufeff") else text


def check_not_empty(text: str, path: str) -> None:
    if not text or text.isspace():
        raise SpecError(
            "file is empty" if not text else "file holds only whitespace",
            path=path,
            hint="write the service spec into it (see examples/), or remove the file",
        )


def _binary(data: bytes, nul: int, path: str) -> SpecError:
    # UTF-16 without a BOM: ASCII text with a NUL after (LE) or before (BE) every character.
    head = data[:64]
    if len(head) >= 4 and (
        head[1::2].count(0) == len(head[1::2]) or head[0::2].count(0) == len(head[0::2])
    ):
        return SpecError(
            "file looks UTF-16-encoded (a NUL byte after every character)",
            path=path,
            hint=_SAVE_AS_UTF8,
        )
    return SpecError(
        f"file is binary, not a text spec (NUL byte at offset {nul})",
        path=path,
        hint="name the JSON or YAML spec; images and archives are checked with --platform image",
    )


def _not_utf8(data: bytes, err: UnicodeDecodeError, skipped: int, path: str) -> SpecError:
    """``skipped`` bytes (a BOM) were cut from the front: offsets count them, columns do not."""
    # Everything before the first bad byte decodes; its length in characters gives the column.
    prefix = data[: err.start].decode("utf-8")
    line, column = position_of(prefix, len(prefix))
    return SpecError(
        f"not valid UTF-8: byte 0x{data[err.start]:02X} at offset {skipped + err.start}",
        path=path,
        line=line,
        column=column,
        hint=f"{_SAVE_AS_UTF8}; the file may be Latin-1, GBK or Shift-JIS",
    )


def check_size(size: int, path: str) -> None:
    if size > MAX_SPEC_BYTES:
        raise SpecError(
            f"file is too large ({describe_size(size)}; "
            f"the limit is {describe_size(MAX_SPEC_BYTES)})",
            path=path,
            hint="a service spec is a few KiB: check that this is the right file",
        )
