"""What a cloud's emulated API supplies to the core (``_emulator.EmulatorCore``), and the
request, answer and failure shapes they exchange; :class:`Routes` and :class:`JsonAnswers`
are the parts every cloud's API builds on. Nothing here names a cloud."""

from __future__ import annotations

import abc
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol
from urllib.parse import unquote

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
