"""The client core every cloud's management client is built on, and what deploy code calls.

    ServiceClient   the operations deploy commands use (create, describe, update, …), and how
                    a live service reads as normalized Progress; one class per cloud
    ApiClient       the core those classes extend: one request signed by the httpx.Auth the
                    client was built with, retried by the RetryPolicy, its errors mapped to
                    deploykit's typed exceptions, and the describe-before-retry rule
    Dialect         what differs between clouds: the headers each operation needs, the error
                    table (which codes are which error, which are retried), where the request
                    id is, how a retry-after is given
    Reply           what an operation answered: request id, message, body

A new cloud writes a Dialect subclass and a ServiceClient subclassing ApiClient; nothing here
names a cloud.
"""

from __future__ import annotations

import abc
import copy
import dataclasses
import json
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

import httpx

from deploykit.clients._http import timeout_within
from deploykit.clients._retry import (
    RetryableFailure,
    RetryPolicy,
    RetryStats,
    retry_after_seconds,
    transport_failure,
)
from deploykit.clients._wait import Progress
from deploykit.errors import ApiError, ConflictError, NotFoundError

T = TypeVar("T")
C = TypeVar("C", bound="ApiClient")


@dataclass(frozen=True)
class Reply:
    """What an operation answered. ``resolved_by_describe``: the answer was lost and the
    outcome was read back from the service instead (the request was not sent twice).
    ``no_service``: the operation made no service to describe or wait for (ModelArts
    ``create --model-only`` imports a model only)."""

    request_id: str = ""
    message: str = ""
    body: Mapping[str, Any] = field(default_factory=dict)
    resolved_by_describe: bool = False
    no_service: bool = False


class ServiceClient(Protocol):
    """A cloud's model-service API, as deploy commands use it (one region, one account)."""

    region: str
    stats: RetryStats

    def create(self, spec: Mapping[str, Any]) -> Reply:
        """Create the service ``spec`` describes; never twice, never over an existing one."""
        ...

    def describe(self, name: str) -> dict[str, Any]:
        """The live service (``NotFoundError`` when there is none)."""
        ...

    def find(self, name: str) -> dict[str, Any] | None:
        """The live service, or None."""
        ...

    def update(self, name: str, spec: Mapping[str, Any], *, replace: bool = False) -> Reply: ...

    def delete(self, name: str, *, with_model: bool = False) -> Reply:
        """Delete the service; ``with_model`` also deletes the models it ran, where a
        platform keeps models apart (ModelArts) — once the service is gone."""
        ...

    def start(self, name: str) -> Reply: ...

    def stop(self, name: str) -> Reply: ...

    def scale(self, name: str, instances: int) -> Reply: ...

    def list_services(self) -> Iterator[dict[str, Any]]: ...

    def progress(self, service: Mapping[str, Any] | None) -> Progress:
        """A live service (None: not found) as the waiter and the progress lines see it."""
        ...

    def live_spec(self, service: Mapping[str, Any]) -> dict[str, Any]:
        """The spec a live service runs, in the form ``create`` takes (``plan`` diffs it)."""
        ...


@dataclass(frozen=True)
class ErrorRule:
    """One row of a cloud's error table: answers with one of ``statuses`` or a code matching
    ``codes`` are ``error``, shown with ``hint``."""

    error: type[ApiError]
    hint: str
    statuses: frozenset[int] = frozenset()
    codes: re.Pattern[str] | None = None

    def matches(self, status: int, code: str | None) -> bool:
        return status in self.statuses or bool(
            code and self.codes is not None and self.codes.match(code)
        )


@dataclass(frozen=True)
class AnswerFields:
    """The parts of an answer body every cloud has, under its own names."""

    code: str | None = None
    message: str | None = None
    request_id: str | None = None


class Dialect(abc.ABC):
    """How one cloud's management API speaks. Subclass per cloud; see clients/alibaba/."""

    #: The API's name in messages, e.g. "PAI-EAS".
    api: str
    #: The response header carrying the request id (also on errors).
    request_id_header: str
    #: The error table; the first matching rule wins. An error no rule matches is a plain
    #: ``ApiError`` (exit 3), and is retried only if ``is_retryable`` says so.
    error_rules: tuple[ErrorRule, ...]

    @abc.abstractmethod
    def operation_headers(self, action: str, *, has_body: bool) -> dict[str, str]:
        """Headers one operation needs besides signing (e.g. the action name, content type)."""

    @abc.abstractmethod
    def answer_fields(self, body: Mapping[str, Any]) -> AnswerFields:
        """Code, message and request id of a JSON answer (an error or a success)."""

    @abc.abstractmethod
    def is_retryable(self, status: int, code: str | None) -> bool:
        """Whether an error answer is worth sending again (5xx, throttling, …)."""

    @abc.abstractmethod
    def is_refusal(self, status: int, code: str | None) -> bool:
        """A retryable answer given *before* any work was done (throttling): resending it
        cannot repeat an effect. Other retryable answers (5xx) may have done their work."""

    def retry_after(self, response: httpx.Response) -> float | None:
        """The server's requested wait in seconds; the standard header unless overridden."""
        return retry_after_seconds(response)

    def reply(self, response: httpx.Response, body: dict[str, Any]) -> Reply:
        fields = self.answer_fields(body)
        request_id = fields.request_id or response.headers.get(self.request_id_header, "")
        return Reply(request_id=str(request_id), message=fields.message or "", body=body)

    def classify(self, response: httpx.Response, action: str) -> ApiError | RetryableFailure:
        """The typed error for a failed answer, or a :class:`RetryableFailure` wrapping it."""
        fields = self.answer_fields(_json_object(response))
        status = response.status_code
        code = fields.code
        request_id = fields.request_id or response.headers.get(self.request_id_header)
        text = f"{action}: {fields.message or response.reason_phrase or 'error'}"
        rule = next((r for r in self.error_rules if r.matches(status, code)), None)
        cls, hint = (rule.error, rule.hint) if rule is not None else (ApiError, None)
        error = cls(text, code=code, status=status, request_id=request_id, hint=hint)
        if not self.is_retryable(status, code):
            return error
        return RetryableFailure(
            error,
            retry_after=self.retry_after(response),
            maybe_applied=not self.is_refusal(status, code),
        )


class ApiClient:
    """One cloud's API over an httpx client built by ``clients._http.build_client`` (which
    carries the signing ``httpx.Auth``). Subclasses add one method per operation."""

    def __init__(
        self,
        http: httpx.Client,
        dialect: Dialect,
        *,
        policy: RetryPolicy | None = None,
        on_retry: Callable[[RetryableFailure, float], None] | None = None,
    ) -> None:
        self.http = http
        self.dialect = dialect
        self.policy = policy or RetryPolicy()
        self.stats = RetryStats()
        self._on_retry = on_retry

    def send(
        self,
        action: str,
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        body: Mapping[str, Any] | None = None,
        retry: bool = True,
    ) -> Reply:
        """The answer, or a typed error. Retried by the policy, unless ``retry=False``: one
        attempt, raising :class:`RetryableFailure` too (inside ``once_only``, which retries
        the whole exchange)."""
        if retry:
            return self.retrying(
                lambda: self.send(action, method, path, params=params, body=body, retry=False)
            )
        headers = self.dialect.operation_headers(action, has_body=body is not None)
        content = None if body is None else json.dumps(body, ensure_ascii=False).encode()
        try:
            response = self.http.request(
                method,
                path,
                params=dict(params) if params else None,
                content=content,
                headers=headers,
                timeout=timeout_within(self.policy.remaining()),
            )
        except httpx.TransportError as err:
            raise transport_failure(err, action) from None
        if response.status_code >= 400:
            raise self.dialect.classify(response, action)
        return self.dialect.reply(response, self._json_body(response, action))

    def once_only(self, send: Callable[[], T], *, settled: Callable[[], T | None]) -> T:
        """Send a request that must not be repeated blindly (a create, a delete).

        After an attempt whose outcome is unknown (a lost answer, a 5xx), ``settled()`` asks
        the service whether it already took effect — a result means yes — before anything
        is sent again. A conflict or not-found answer to a resend is checked the same way;
        to a first send it is the truth (e.g. the name was taken before we came).
        """
        unknown = False

        def attempt() -> T:
            nonlocal unknown
            if unknown and (done := settled()) is not None:
                return done
            try:
                return send()
            except RetryableFailure as failure:
                unknown = unknown or failure.maybe_applied
                raise
            except (ConflictError, NotFoundError):
                if unknown and (done := settled()) is not None:
                    return done
                raise

        return self.retrying(attempt)

    def bounded(self: C, deadline: float) -> C:
        """This client (same connection, signing and retry counts), its calls and their
        retries ending by ``deadline`` (a ``policy.clock()`` value) instead of its own."""
        twin = copy.copy(self)
        twin.policy = dataclasses.replace(self.policy, deadline=deadline)
        return twin

    def pages(
        self,
        read: Callable[[int], Mapping[str, Any]],
        *,
        first: int,
        items: str,
        total: str,
        size: int,
    ) -> Iterator[dict[str, Any]]:
        """Every entry of a paged list: ``read(page)`` answers page ``first``, ``first + 1``, …
        with its entries under ``items``; the last page reaches the ``total`` it announces,
        or, where it announces none, is short."""
        page, seen = first, 0
        while True:
            body = read(page)
            entries = body.get(items) or []
            yield from (dict(entry) for entry in entries)
            seen += len(entries)
            announced = body.get(total)
            last = seen >= int(announced) if announced is not None else len(entries) < size
            if not entries or last:
                return
            page += 1

    def retrying(self, attempt: Callable[[], T]) -> T:
        return self.policy.run(attempt, stats=self.stats, on_retry=self._on_retry)

    def _json_body(self, response: httpx.Response, action: str) -> dict[str, Any]:
        # reference/eas.md §3.6: ROA may answer 204 with an empty body.
        if not response.content:
            return {}
        try:
            data = json.loads(response.content)
        except ValueError:
            raise ApiError(
                f"{action}: the API answered HTTP {response.status_code} with a body that is "
                "not JSON",
                status=response.status_code,
                hint=f"check --endpoint: it should be the {self.dialect.api} management API",
            ) from None
        return data if isinstance(data, dict) else {"Data": data}


def _json_object(response: httpx.Response) -> dict[str, Any]:
    try:
        body = json.loads(response.content) if response.content else {}
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}
