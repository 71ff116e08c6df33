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

import abc
import importlib
import json
import re
import time
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import unquote

from deploykit.emulator._faults import Fault, FaultInjector, Faults
from deploykit.emulator._store import Store
from deploykit.errors import ConfigError

if TYPE_CHECKING:
    import httpx

    from deploykit.credentials import AccessKey
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


class Routes:
    """A cloud's route table: ``(method, path regex, operation)`` rows, each regex matching a
    whole path; its named groups are the path's parameters."""

    def __init__(self, *rows: tuple[str, str, str]) -> None:
        self._rows = tuple((method, re.compile(f"^{path}$"), op) for method, path, op in rows)

    def find(self, method: str, path: str) -> tuple[str, dict[str, str]] | None:
        """The operation ``method path`` names and its path parameters (decoded), or None."""
        for verb, pattern, operation in self._rows:
            match = pattern.match(path)
            if match and verb == method.upper():
                params = {k: unquote(v) for k, v in match.groupdict().items() if v is not None}
                return operation, params
        return None


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


class JsonAnswers(abc.ABC):
    """How answers are framed, the same for every emulated cloud: a JSON body with the cloud's
    content type and its request-id header, errors included; an injected fault is one of the
    cloud's own errors, a throttle carries the cloud's retry-after header. A :class:`CloudApi`
    inherits ``reply``, ``error_reply`` and ``fault_reply`` from here and says the words."""

    content_type: str
    request_id_header: str

    def reply(self, answer: Answer, request_id: str) -> Reply:
        return self._framed(200, request_id, self.answer_body(answer.body, request_id))

    def error_reply(self, failure: ApiFailure, request_id: str) -> Reply:
        return self._framed(failure.status, request_id, self.error_body(failure, request_id))

    def fault_reply(self, fault: Fault, retry_after_ms: int, request_id: str) -> Reply:
        reply = self.error_reply(self.fault_failure(fault), request_id)
        if fault is not Fault.THROTTLE:
            return reply
        wait = self.retry_after_header(retry_after_ms)
        return Reply(reply.status, [*reply.headers, wait], reply.body)

    def answer_body(self, body: dict[str, Any], request_id: str) -> dict[str, Any]:
        """A success body as sent (some clouds add the request id)."""
        return body

    @abc.abstractmethod
    def error_body(self, failure: ApiFailure, request_id: str) -> dict[str, Any]:
        """An error in the cloud's shape."""

    @abc.abstractmethod
    def fault_failure(self, fault: Fault) -> ApiFailure:
        """The cloud's error for an injected 503, 500 or throttle."""

    @abc.abstractmethod
    def retry_after_header(self, retry_after_ms: int) -> tuple[str, str]:
        """The header a throttled answer carries its wait in."""

    def _framed(self, status: int, request_id: str, body: dict[str, Any]) -> Reply:
        headers = [("content-type", self.content_type), (self.request_id_header, request_id)]
        return Reply(status, headers, json.dumps(body, ensure_ascii=False).encode())


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


def embedded(key: AccessKey, region: str, *, project_id: str | None = None) -> EmulatorSettings:
    """``--endpoint local``: the emulator in this process, its state in the file every later
    command shares (``local_state_path``), accepting exactly the key the client signs with —
    its signature checks still run."""
    from deploykit.emulator._store import local_state_path

    return EmulatorSettings(
        store=local_state_path(),
        credentials={key.access_key_id: key.access_key_secret.get_secret_value()},
        region=region,
        project_id=project_id,
    )


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
