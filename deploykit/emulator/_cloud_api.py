"""What a cloud's emulated API supplies to the core (``_emulator.EmulatorCore``), and the
request, answer and failure shapes they exchange. Nothing here names a cloud."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from deploykit.emulator._faults import Fault


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
    """Raised inside an emulator to answer with an error; never escapes ``handle``. Each
    cloud subclasses it with its error table (``eas/_errors.EasFailure``)."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.status = status
        self.code = code
        self.message = message


class CloudApi(Protocol):
    """One cloud's management API behind the core: ``authenticate`` and ``operate`` may raise
    :class:`ApiFailure`; the reply methods never raise."""

    def new_request_id(self) -> str: ...

    def gateway(self, request: Request, now: float) -> Reply | None:
        """The answer of a service's own endpoint (``invoke``), which has neither the
        management API's faults nor its signatures; None for a management-API request."""
        ...

    def authenticate(self, request: Request, now: float) -> None:
        """Check the signature or token as the real service does."""
        ...

    def operate(self, request: Request, now: float) -> Answer:
        """Route the request and run the operation in one store transaction."""
        ...

    def reply(self, answer: Answer, request_id: str) -> Reply: ...

    def error_reply(self, failure: ApiFailure, request_id: str) -> Reply: ...

    def fault_reply(self, fault: Fault, retry_after_ms: int, request_id: str) -> Reply:
        """An injected (or, for ``Fault.INTERNAL``, a real) 503, 500 or throttling answer,
        in this cloud's words."""
        ...
