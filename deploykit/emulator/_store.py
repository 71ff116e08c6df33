"""Where emulators keep their records and used nonces: SQLite, in memory or in a file.

A file store is how ``--endpoint local`` lets ``deploykit create`` and a later ``deploykit ls``
in another process see the same services. Every call runs in one ``BEGIN IMMEDIATE``
transaction, so concurrent processes serialize on SQLite's write lock instead of losing an
update; WAL keeps readers from blocking on a writer.

Records are JSON text under a (kind, key): each emulated platform owns its kinds
(``eas.service``, ``modelarts.model``, …), so one file serves every platform; a
:class:`Table` reads and writes one kind as typed records. A file
written before kinds existed (one ``services`` table of EAS services) is moved over on open.
"""

from __future__ import annotations

import dataclasses
import json
import os
import sqlite3
import threading
import typing
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

R = TypeVar("R")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS records (
    kind TEXT NOT NULL, key TEXT NOT NULL, data TEXT NOT NULL, PRIMARY KEY (kind, key)
);
CREATE TABLE IF NOT EXISTS nonces (nonce TEXT PRIMARY KEY, seen REAL NOT NULL);
CREATE INDEX IF NOT EXISTS nonces_by_age ON nonces (seen);
"""
# The layout before the platform seam: EAS services in their own table.
_MIGRATE_LEGACY = """
INSERT OR IGNORE INTO records (kind, key, data)
    SELECT 'eas.service', name, record FROM services;
DROP TABLE services;
"""
# How long another process may hold the write lock before a call gives up (seconds).
_BUSY_TIMEOUT = 30.0


def local_state_path() -> Path:
    """The SQLite file behind ``--endpoint local``: ``$DEPLOYKIT_EMULATOR_STATE``, else
    ``$XDG_STATE_HOME/deploykit/emulator.sqlite3`` (XDG base directory spec: state data),
    else ``~/.local/state/deploykit/emulator.sqlite3``."""
    explicit = os.environ.get("DEPLOYKIT_EMULATOR_STATE")
    if explicit:
        return Path(explicit).expanduser()
    return _state_dir() / "emulator.sqlite3"


def _state_dir() -> Path:
    base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base) / "deploykit"


def _make_private(file: Path) -> None:
    """The state holds what users deployed — dockerAuth, git passwords, tokens, env secrets
    — so only its owner may read it: the file (and SQLite's -wal/-shm beside it) 0600, and
    deploykit's own state folder 0700. An existing file or folder is fixed too; a folder the
    user chose (``DEPLOYKIT_EMULATOR_STATE``, ``--state``) is left as it is, as it may be
    shared (``/tmp``)."""
    folder = file.parent
    ours = folder.resolve() == _state_dir().resolve()
    if not folder.exists():
        folder.mkdir(parents=True, mode=0o700)
        folder.chmod(0o700)  # mkdir's mode is filtered by the umask
    elif ours:
        folder.chmod(0o700)
    os.close(os.open(file, os.O_RDWR | os.O_CREAT, 0o600))
    for path in (file, file.with_name(file.name + "-wal"), file.with_name(file.name + "-shm")):
        if path.exists():
            path.chmod(0o600)  # SQLite creates -wal and -shm with the mode of the database


class Transaction:
    """The operations one API call may do, inside one SQLite transaction."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._db = connection

    def get(self, kind: str, key: str) -> str | None:
        row = self._db.execute(
            "SELECT data FROM records WHERE kind = ? AND key = ?", (kind, key)
        ).fetchone()
        return row[0] if row else None

    def put(self, kind: str, key: str, data: str) -> None:
        self._db.execute(
            "INSERT OR REPLACE INTO records (kind, key, data) VALUES (?, ?, ?)", (kind, key, data)
        )

    def delete(self, kind: str, key: str) -> None:
        self._db.execute("DELETE FROM records WHERE kind = ? AND key = ?", (kind, key))

    def all(self, kind: str) -> list[str]:
        rows = self._db.execute(
            "SELECT data FROM records WHERE kind = ? ORDER BY key", (kind,)
        ).fetchall()
        return [row[0] for row in rows]

    def use_nonce(self, nonce: str, now: float, keep_for: float) -> bool:
        """Record ``nonce``; False if it was seen within ``keep_for`` seconds (a replay)."""
        self._db.execute("DELETE FROM nonces WHERE seen < ?", (now - keep_for,))
        cursor = self._db.execute(
            "INSERT OR IGNORE INTO nonces (nonce, seen) VALUES (?, ?)", (nonce, now)
        )
        return cursor.rowcount == 1


@dataclass(frozen=True)
class Table(Generic[R]):
    """The records of one ``kind`` inside one transaction, as typed objects: ``load`` and
    ``dump`` convert them from and to JSON, ``key`` names each."""

    tx: Transaction
    kind: str
    load: Callable[[str], R]
    dump: Callable[[R], str]
    key: Callable[[R], str]

    def get(self, key: str) -> R | None:
        data = self.tx.get(self.kind, key)
        return None if data is None else self.load(data)

    def put(self, record: R) -> None:
        self.tx.put(self.kind, self.key(record), self.dump(record))

    def delete(self, key: str) -> None:
        self.tx.delete(self.kind, key)

    def all(self) -> list[R]:
        return [self.load(data) for data in self.tx.all(self.kind)]


def dump_dataclass(record: Any) -> str:
    """A dataclass record as JSON (nested dataclasses as objects)."""
    return json.dumps(dataclasses.asdict(record), ensure_ascii=False)


def load_dataclass(cls: type[R], text: str) -> R:
    """The inverse of :func:`dump_dataclass`: fields typed as dataclasses are rebuilt."""
    data = json.loads(text)
    for name, nested in _nested_dataclasses(cls).items():
        if isinstance(data.get(name), dict):
            data[name] = nested(**data[name])
    return cls(**data)


# Per record class: resolving string annotations costs more than parsing the record itself.
_NESTED: dict[type, dict[str, type]] = {}


def _nested_dataclasses(cls: type) -> dict[str, type]:
    nested = _NESTED.get(cls)
    if nested is None:
        nested = _NESTED[cls] = {
            name: hint for name, hint in typing.get_type_hints(cls).items()
            if isinstance(hint, type) and dataclasses.is_dataclass(hint)
        }
    return nested


class Store:
    """SQLite-backed state. ``path=None`` keeps it in memory for this process only."""

    def __init__(self, path: str | Path | None = None) -> None:
        if path is None:
            target = ":memory:"
        else:
            file = Path(path).expanduser()
            _make_private(file)
            target = str(file)
        # isolation_level=None: we issue BEGIN IMMEDIATE ourselves. check_same_thread=False with
        # our own lock: the ASGI app and MockTransport may call from several threads.
        self._db = sqlite3.connect(
            target, timeout=_BUSY_TIMEOUT, isolation_level=None, check_same_thread=False
        )
        self._lock = threading.Lock()
        with self._lock:
            if path is not None:
                # WAL + synchronous=NORMAL: no fsync per commit (a crash may lose the last
                # calls, never corrupt the file) — an emulator trades that for speed.
                self._db.execute("PRAGMA journal_mode=WAL")
                self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.executescript(_SCHEMA)
        with self.transaction():
            legacy = self._db.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'services'"
            ).fetchone()
            if legacy:
                for statement in _MIGRATE_LEGACY.split(";"):
                    if statement.strip():
                        self._db.execute(statement)

    @contextmanager
    def transaction(self) -> Iterator[Transaction]:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield Transaction(self._db)
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def close(self) -> None:
        with self._lock:
            self._db.close()
