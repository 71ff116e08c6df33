"""The emulator core: one framework-free ``handle`` that both transports call.

``handle(method, raw_path, headers, body)`` → :class:`Reply`: faults first (they never touch
state), then the platform's authentication (signature, dates, nonces), then the operation,
then — for a committed create only — the "response lost" fault. ``mock_transport()`` serves
it in-process to httpx (tests, ``--endpoint local``); ``asgi_app()`` serves it over HTTP under
uvicorn (``deploykit emulator serve``).

What differs between clouds is a :class:`CloudApi`: how requests are authenticated and
routed, and how answers, errors and injected faults look. ``emulator/eas/`` is PAI-EAS's,
``emulator/modelarts/`` ModelArts's.
"""

from __future__ import annotations

import importlib
import time
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from deploykit.emulator._faults import Fault, FaultInjector, Faults
from deploykit.emulator._store import Store
from deploykit.errors import ConfigError

if TYPE_CHECKING:
    import httpx

    from deploykit.emulator._asgi import AsgiApp


@dataclass(frozen=True)
class Reply:
    status: int
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""
    drop: bool = False  # close the connection instead of answering


@dataclass(frozen=True)
class Request:
    """One HTTP request as both transports hand it over: the path still percent-encoded."""

    method: str
    raw_path: bytes
    headers: Sequence[tuple[str, str]]
    body: bytes

    def header(self, name: str) -> str | None:
        """The first value of ``name`` (case-insensitive), or None."""
        wanted = name.lower()
        return next((value for key, value in self.headers if key.lower() == wanted), None)


@dataclass(frozen=True)
class Answer:
    """A successful operation's answer body; ``created``: it committed a create, so the
    "lost create response" fault may swallow it."""

    body: dict[str, Any]
    created: bool = False


class ApiFailure(Exception):
    """Raised inside the emulator to answer with an error; never escapes ``handle``."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.status = status
        self.code = code
        self.message = message


class CloudApi(Protocol):
    """One cloud's management API behind the core: every method but the replies may raise
    :class:`ApiFailure`."""

    def new_request_id(self) -> str: ...

    def authenticate(self, request: Request, now: float) -> None:
        """Check the signature or token as the real service does."""
        ...

    def operate(self, request: Request, now: float) -> Answer:
        """Route the request and run the operation in one store transaction."""
        ...

    def reply(self, answer: Answer, request_id: str) -> Reply: ...

    def error_reply(self, failure: ApiFailure, request_id: str) -> Reply: ...

    def fault_reply(self, fault: Fault, retry_after_ms: int, request_id: str) -> Reply:
        """An injected 503, 500 or throttling answer, in this cloud's words."""
        ...


@dataclass(frozen=True)
class EmulatorSettings:
    """What ``deploykit emulator serve`` asks of any platform's emulator. Each takes what
    applies to its cloud and refuses, with a ``ConfigError``, what does not."""

    store: str | Path | None = None  # None: in memory
    credentials: Mapping[str, str] | None = None  # AccessKey ID → secret; None: the defaults
    region: str | None = None  # None: the platform's default
    project_id: str | None = None
    token: str | None = None
    faults: Faults | None = None
    latency: float = 0.0
    known_images: Collection[str] | None = None


class EmulatorCore:
    """Faults, authentication and operations of one :class:`CloudApi` over one store.

    A platform's emulator subclasses it, builds its ``CloudApi``, and adds
    ``from_settings`` (for ``emulator serve``) and ``banner`` (the line serve prints)."""

    def __init__(
        self,
        api: CloudApi,
        store: Store,
        *,
        faults: Faults | None = None,
        latency: float = 0.0,
        clock: Callable[[], float] | None = None,
    ) -> None:
        self._api = api
        self._store = store
        self._faults = FaultInjector(faults or Faults())
        self._clock = clock or time.time
        self.latency = latency

    @property
    def injected_faults(self) -> dict[str, int]:
        """Faults injected so far by this emulator: drop, 5xx, throttle, lost_create."""
        return dict(self._faults.injected)

    def handle(
        self, method: str, raw_path: bytes, headers: Sequence[tuple[str, str]], body: bytes
    ) -> Reply:
        """Answer one HTTP request. Never raises: every failure is an API error reply."""
        request = Request(method.upper(), raw_path, headers, body)
        request_id = self._api.new_request_id()
        try:
            fault = self._faults.before_request()
            if fault is Fault.DROP:
                return Reply(0, drop=True)
            if fault is not Fault.NONE:
                return self._api.fault_reply(fault, self._faults.faults.retry_after_ms, request_id)
            now = self._clock()
            self._api.authenticate(request, now)
            answer = self._api.operate(request, now)
        except ApiFailure as failure:
            return self._api.error_reply(failure, request_id)
        if answer.created and self._faults.lose_create_response():
            return Reply(0, drop=True)
        return self._api.reply(answer, request_id)

    def mock_transport(self) -> httpx.MockTransport:
        """An in-process transport for ``httpx.Client(transport=…)``; latency is slept."""
        import httpx

        def respond(request: httpx.Request) -> httpx.Response:
            if self.latency:
                time.sleep(self.latency)
            reply = self.handle(
                request.method, request.url.raw_path, request.headers.multi_items(), request.read()
            )
            if reply.drop:
                # httpx's own words when a server closes the connection before answering.
                raise httpx.RemoteProtocolError(
                    "Server disconnected without sending a response.", request=request
                )
            return httpx.Response(reply.status, headers=reply.headers, content=reply.body)

        return httpx.MockTransport(respond)

    def asgi_app(self) -> AsgiApp:
        """An ASGI 3 app for uvicorn: concurrent requests, latency via ``asyncio.sleep``."""
        from deploykit.emulator._asgi import AsgiApp

        return AsgiApp(self)

    @classmethod
    def from_settings(cls, settings: EmulatorSettings) -> EmulatorCore:
        """The emulator ``deploykit emulator serve`` runs for these settings."""
        raise NotImplementedError(f"{cls.__name__} cannot be served")

    def banner(self, url: str) -> str:
        """The line ``emulator serve`` prints first: where it listens, and for whom. Scripts
        wait for it; it never shows a secret the user chose."""
        raise NotImplementedError(f"{type(self).__name__} cannot be served")

    def close(self) -> None:
        self._store.close()


# --platform value → "module:class" of its emulator (an EmulatorCore with from_settings).
EMULATORS = {
    "eas": "deploykit.emulator.eas:Emulator",
    "modelarts": "deploykit.emulator.modelarts:ModelArtsEmulator",
}


def open_emulator(platform: str, settings: EmulatorSettings) -> EmulatorCore:
    """The emulator of ``platform`` for ``emulator serve``; ``ConfigError`` for an unknown
    platform or settings it cannot take."""
    where = EMULATORS.get(platform)
    if where is None:
        raise ConfigError(f"--platform {platform!r} is not one of: {', '.join(EMULATORS)}")
    module, _, name = where.partition(":")
    emulator: type[EmulatorCore] = getattr(importlib.import_module(module), name)
    return emulator.from_settings(settings)
