"""The emulator as a plain ASGI 3 app, for uvicorn (``deploykit emulator serve``).

No framework: one catch-all endpoint around ``Emulator.handle``, which owns the routing.

Dropped connections: ASGI has no "close without answering". uvicorn answers 500 when an app
returns without starting a response, and closes the socket when an app raises *after*
starting one (uvicorn/protocols/http/h11_impl.py ``run_asgi``). So a drop sends the status
line and headers announcing a body, then raises :class:`DroppedConnection`: the client sees
the connection closed mid-response — a transport error, exactly what a real cut looks like
to httpx (``RemoteProtocolError``) and to the official SDK. :class:`QuietDrops` keeps that
deliberate raise out of uvicorn's error log.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, MutableMapping
from typing import TYPE_CHECKING, Any

from deploykit.emulator._request_limits import read_body

if TYPE_CHECKING:
    from deploykit.emulator._emulator import Emulator

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


class DroppedConnection(Exception):
    """Raised on purpose after a response has started, so uvicorn closes the socket."""


class QuietDrops(logging.Filter):
    """Drops uvicorn's "Exception in ASGI application" record for a deliberate drop."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        return not isinstance(exc, DroppedConnection)


class AsgiApp:
    def __init__(self, emulator: Emulator) -> None:
        self._emulator = emulator
        error_log = logging.getLogger("uvicorn.error")
        if not any(isinstance(f, QuietDrops) for f in error_log.filters):
            error_log.addFilter(QuietDrops())

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await _lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        body = await read_body(receive)  # bounded: a huge body is refused, not held
        if self._emulator.latency:
            await asyncio.sleep(self._emulator.latency)
        raw_path: bytes = scope.get("raw_path") or scope["path"].encode()
        if scope.get("query_string"):
            raw_path += b"?" + scope["query_string"]
        headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in scope["headers"]]
        # In a worker thread: a SQLite lock held by another process must not freeze the loop.
        reply = await asyncio.to_thread(
            self._emulator.handle, scope["method"], raw_path, headers, body
        )
        if reply.drop:
            await send(
                {
                    "type": "http.response.start",
                    "status": 200,
                    "headers": [(b"content-length", b"64")],
                }
            )
            raise DroppedConnection
        await send(
            {
                "type": "http.response.start",
                "status": reply.status,
                "headers": [(k.encode(), v.encode()) for k, v in reply.headers],
            }
        )
        await send({"type": "http.response.body", "body": reply.body})


async def _lifespan(receive: Receive, send: Send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return
