"""Where the emulator keeps services and used nonces: SQLite, in memory or in a file.

A file store is how ``--endpoint local`` lets ``deploykit create`` and a later ``deploykit ls``
in another process see the same services. Every call runs in one ``BEGIN IMMEDIATE``
transaction, so concurrent processes serialize on SQLite's write lock instead of losing an
update; WAL keeps readers from blocking on a writer.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from deploykit.emulator._lifecycle import Operation

_SCHEMA = """
CREATE TABLE IF NOT EXISTS services (name TEXT PRIMARY KEY, record TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS nonces (nonce TEXT PRIMARY KEY, seen REAL NOT NULL);
CREATE INDEX IF NOT EXISTS nonces_by_age ON nonces (seen);
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
    base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base) / "deploykit" / "emulator.sqlite3"


@dataclass
class ServiceRecord:
    """One service as stored. Its status is not stored: it is computed from ``operation``."""

    name: str
    service_id: str
    config: dict[str, Any]
    access_token: str
    create_time: float
    update_time: float
    operation: Operation
    labels: dict[str, str] = field(default_factory=dict)
    workspace_id: str = ""
    version: int = 1  # bumped by every UpdateService (DescribeService LatestVersion)
    events: list[dict[str, Any]] = field(default_factory=list)
    # _versions.py: every version's config; which version ``config`` is (0: ``version``).
    versions: list[dict[str, Any]] = field(default_factory=list)
    config_version: int = 0
    # _instances.py: the instances as they were when ``operation`` began.
    pods: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str) -> ServiceRecord:
        data = json.loads(text)
        data["operation"] = Operation(**data["operation"])
        return cls(**data)


class Transaction:
    """The operations one API call may do, inside one SQLite transaction."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._db = connection

    def get(self, name: str) -> ServiceRecord | None:
        row = self._db.execute("SELECT record FROM services WHERE name = ?", (name,)).fetchone()
        return ServiceRecord.from_json(row[0]) if row else None

    def put(self, record: ServiceRecord) -> None:
        self._db.execute(
            "INSERT OR REPLACE INTO services (name, record) VALUES (?, ?)",
            (record.name, record.to_json()),
        )

    def delete(self, name: str) -> None:
        self._db.execute("DELETE FROM services WHERE name = ?", (name,))

    def all(self) -> list[ServiceRecord]:
        rows = self._db.execute("SELECT record FROM services ORDER BY name").fetchall()
        return [ServiceRecord.from_json(row[0]) for row in rows]

    def use_nonce(self, nonce: str, now: float, keep_for: float) -> bool:
        """Record ``nonce``; False if it was seen within ``keep_for`` seconds (a replay)."""
        self._db.execute("DELETE FROM nonces WHERE seen < ?", (now - keep_for,))
        cursor = self._db.execute(
            "INSERT OR IGNORE INTO nonces (nonce, seen) VALUES (?, ?)", (nonce, now)
        )
        return cursor.rowcount == 1


class ServiceStore:
    """SQLite-backed state. ``path=None`` keeps it in memory for this process only."""

    def __init__(self, path: str | Path | None = None) -> None:
        if path is None:
            target = ":memory:"
        else:
            file = Path(path).expanduser()
            file.parent.mkdir(parents=True, exist_ok=True)
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
