"""The emulator: one framework-free ``handle`` that both transports call.

``handle(method, raw_path, headers, body)`` → :class:`Reply`: faults first (they never touch
state), then the signature, then the operation, then — for a committed CreateService only —
the "response lost" fault. A service endpoint (``/api/predict/…``) goes to the gateway
instead, which has neither faults nor signatures. ``mock_transport()`` serves it
in-process to httpx (tests, ``--endpoint local``); ``asgi_app()`` serves it over HTTP under
uvicorn (``deploykit emulator serve``).
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import SecretStr

from deploykit.clients.alibaba._signer import split_raw_path
from deploykit.emulator._errors import ApiFailure, error_body, new_request_id
from deploykit.emulator._faults import Fault, FaultInjector, Faults
from deploykit.emulator._gateway import Gateway, is_gateway_path
from deploykit.emulator._lifecycle import Timings
from deploykit.emulator._request_limits import check_body_size
from deploykit.emulator._service_api import route
from deploykit.emulator._service_ops import ServiceOpsApi
from deploykit.emulator._service_view import account_uid
from deploykit.emulator._signature_check import NONCE_MEMORY, verify_signature
from deploykit.emulator._store import ServiceStore

if TYPE_CHECKING:
    import httpx

    from deploykit.emulator._asgi import AsgiApp

# The documented defaults (README): what `--endpoint local` and `emulator serve` accept when no
# credentials are given. Not secrets — they only open a local emulator.
DEFAULT_ACCESS_KEY_ID = "LTAI5tDeployKitEmulator"
DEFAULT_ACCESS_KEY_SECRET = "deploykit-emulator-secret"  # noqa: S105 - a documented default
_JSON = ("content-type", "application/json;charset=utf-8")
_log = logging.getLogger("deploykit.emulator")


@dataclass(frozen=True)
class Reply:
    status: int
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""
    drop: bool = False  # close the connection instead of answering


class Emulator:
    """PAI-EAS's management API for one account in one region, locally.

    ``store``: None keeps state in memory; a path keeps it in SQLite, shared by every process
    using that file. ``known_images``: when given, a container image outside it makes the
    service end in Failed (as an image that cannot be pulled does on EAS). ``gateway_url``:
    the base URL service endpoints point to — the emulator's own address when served, so
    they answer (``_gateway.py``); None keeps EAS's endpoint hosts.
    """

    def __init__(
        self,
        store: str | Path | None = None,
        credentials: Mapping[str, str] | None = None,
        faults: Faults | None = None,
        region: str = "cn-shanghai",
        latency: float = 0.0,
        timings: Timings | None = None,
        clock: Callable[[], float] | None = None,
        known_images: Collection[str] | None = None,
        gateway_url: str | None = None,
    ) -> None:
        pairs = credentials or {DEFAULT_ACCESS_KEY_ID: DEFAULT_ACCESS_KEY_SECRET}
        self._credentials = {ak: SecretStr(sk) for ak, sk in pairs.items()}
        self.region = region
        self.latency = latency
        self._faults = FaultInjector(faults or Faults())
        self._clock = clock or time.time
        self._store = ServiceStore(store)
        self._api = ServiceOpsApi(
            self._store,
            region=region,
            uid=account_uid(self._credentials),
            timings=timings or Timings(),
            clock=self._clock,
            known_images=None if known_images is None else frozenset(known_images),
        )
        self._api.gateway_url = gateway_url
        self._gateway = Gateway(self._store, timings or Timings(), self._clock)

    @property
    def access_key_ids(self) -> list[str]:
        return sorted(self._credentials)

    @property
    def gateway_url(self) -> str | None:
        return self._api.gateway_url

    @gateway_url.setter
    def gateway_url(self, url: str | None) -> None:
        self._api.gateway_url = url

    @property
    def injected_faults(self) -> dict[str, int]:
        """Faults injected so far by this emulator: drop, 5xx, throttle, lost_create."""
        return dict(self._faults.injected)

    def handle(
        self, method: str, raw_path: bytes, headers: Sequence[tuple[str, str]], body: bytes
    ) -> Reply:
        """Answer one HTTP request. Never raises: every failure is an API error reply."""
        if is_gateway_path(raw_path):  # a service's endpoint, not the management API
            return Reply(*self._gateway.answer(method, raw_path, headers, body))
        request_id = new_request_id()
        # Alibaba Cloud answers carry the request id as a header too, errors included.
        reply_headers = [_JSON, ("x-acs-request-id", request_id)]
        try:
            fault = self._faults.before_request()
            if fault is Fault.DROP:
                return Reply(0, drop=True)
            if fault is Fault.ERROR_5XX:
                raise self._faults.server_error()
            if fault is Fault.THROTTLE:
                failure = ApiFailure("Throttling.User")
                retry_after = ("x-acs-retry-after", str(self._faults.faults.retry_after_ms))
                return Reply(
                    failure.status, [*reply_headers, retry_after], error_body(failure, request_id)
                )
            now = self._clock()
            check_body_size(len(body))  # before anything reads it, as a gateway would
            nonce = verify_signature(method, raw_path, headers, body, self._credentials, now)
            with self._store.transaction() as tx:
                fresh = tx.use_nonce(nonce, now, NONCE_MEMORY)
            if not fresh:
                raise ApiFailure("SignatureNonceUsed")
            path, query = split_raw_path(raw_path)
            call = route(method, path, dict(query), body)
            answer = self._api.call(call)
        except ApiFailure as failure:
            return Reply(failure.status, reply_headers, error_body(failure, request_id))
        except Exception:  # a bug: logged, and answered in the real shape, never a bare 500
            _log.exception("emulator: request %s failed", request_id)
            internal = ApiFailure("InternalError")
            return Reply(internal.status, reply_headers, error_body(internal, request_id))
        if call.action == "CreateService" and self._faults.lose_create_response():
            return Reply(0, drop=True)
        answer["RequestId"] = request_id
        return Reply(200, reply_headers, json.dumps(answer, ensure_ascii=False).encode())

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

    def close(self) -> None:
        self._store.close()
