"""PAI-EAS's management API on the emulator core: signatures, routes, answers and errors.

:class:`EasApi` is the :class:`~deploykit.emulator._cloud_api.CloudApi` of PAI-EAS: ACS3
signatures and nonces (``_signature``), the routes and operations (``_api``; events,
instances, logs, versions and restart in ``_ops``), the ``Service`` struct (``_view``), the
error table (``_errors``), the stored record with its status table (``_service``), and the
gateway that answers for each service's endpoint (``_gateway``). :class:`Emulator` puts it
on the core with a store, faults and a clock.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from pathlib import Path
from typing import Any

from pydantic import SecretStr

from deploykit.clients.alibaba._signer import split_raw_path
from deploykit.emulator._cloud_api import Answer, ApiFailure, JsonAnswers, Reply, Request
from deploykit.emulator._emulator import EmulatorCore, EmulatorSettings
from deploykit.emulator._faults import Fault, Faults
from deploykit.emulator._lifecycle import Timings
from deploykit.emulator._store import Store
from deploykit.emulator.eas._api import route
from deploykit.emulator.eas._errors import EasFailure, error_body, new_request_id
from deploykit.emulator.eas._gateway import Gateway, is_gateway_path
from deploykit.emulator.eas._ops import ServiceOpsApi
from deploykit.emulator.eas._signature import NONCE_MEMORY, verify_signature
from deploykit.emulator.eas._view import account_uid
from deploykit.errors import ConfigError

# The documented defaults (README): what `--endpoint local` and `emulator serve` accept when no
# credentials are given. Not secrets — they only open a local emulator.
DEFAULT_ACCESS_KEY_ID = "LTAI5tDeployKitEmulator"
DEFAULT_ACCESS_KEY_SECRET = "deploykit-emulator-secret"  # noqa: S105 - a documented default
DEFAULT_REGION = "cn-shanghai"
# Which injected server fault answers with which code (reference/eas.md §3.6: Terraform's
# NeedRetry lists ServiceUnavailable; a 5xx of either kind is retried).
_FAULT_CODES = {
    Fault.UNAVAILABLE: "ServiceUnavailable",
    Fault.INTERNAL: "InternalError",
    # §3.6: the throttling fixture in darabonba-openapi's client tests (HTTP 400 + retry-after).
    Fault.THROTTLE: "Throttling.User",
}


class EasApi(JsonAnswers):
    """PAI-EAS for one account in one region, over one store."""

    content_type = "application/json;charset=utf-8"
    # Alibaba Cloud answers carry the request id as a header too, errors included (§3.6).
    request_id_header = "x-acs-request-id"

    def __init__(
        self,
        store: Store,
        credentials: Mapping[str, SecretStr],
        *,
        region: str,
        timings: Timings,
        known_images: Collection[str] | None,
    ) -> None:
        self._store = store
        self._credentials = credentials
        self.services = ServiceOpsApi(
            store,
            region=region,
            uid=account_uid(credentials),
            timings=timings,
            known_images=None if known_images is None else frozenset(known_images),
        )
        self._gateway = Gateway(store, timings)

    def new_request_id(self) -> str:
        return new_request_id()

    def gateway(self, request: Request, now: float) -> Reply | None:
        if not is_gateway_path(request.raw_path):
            return None
        return Reply(*self._gateway.answer(request.method, request.raw_path, request.headers,
                                           request.body, now))

    def authenticate(self, request: Request, now: float) -> None:
        nonce = verify_signature(
            request.method, request.raw_path, request.headers, request.body, self._credentials, now
        )
        # Recorded only once the signature is known to be good: a forged request must not
        # burn a legitimate client's nonce.
        with self._store.transaction() as tx:
            fresh = tx.use_nonce(nonce, now, NONCE_MEMORY)
        if not fresh:
            raise EasFailure("SignatureNonceUsed")

    def operate(self, request: Request, now: float) -> Answer:
        path, query = split_raw_path(request.raw_path)
        call = route(request.method, path, dict(query), request.body)
        return Answer(self.services.call(call, now), created=call.action == "CreateService")

    def answer_body(self, body: dict[str, Any], request_id: str) -> dict[str, Any]:
        return {**body, "RequestId": request_id}

    def error_body(self, failure: ApiFailure, request_id: str) -> dict[str, Any]:
        return error_body(failure, request_id)

    def fault_failure(self, fault: Fault) -> ApiFailure:
        return EasFailure(_FAULT_CODES[fault])

    def retry_after_header(self, retry_after_ms: int) -> tuple[str, str]:
        # §3.6: throttled answers carry x-acs-retry-after in milliseconds.
        return ("x-acs-retry-after", str(retry_after_ms))


class Emulator(EmulatorCore):
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
        region: str = DEFAULT_REGION,
        latency: float = 0.0,
        timings: Timings | None = None,
        clock: Callable[[], float] | None = None,
        known_images: Collection[str] | None = None,
        gateway_url: str | None = None,
    ) -> None:
        pairs = credentials or {DEFAULT_ACCESS_KEY_ID: DEFAULT_ACCESS_KEY_SECRET}
        self._keys = {ak: SecretStr(sk) for ak, sk in pairs.items()}
        self._default_keys = not credentials
        self.region = region
        shared = Store(store)
        self._eas = EasApi(shared, self._keys, region=region, timings=timings or Timings(),
                           known_images=known_images)
        self._eas.services.gateway_url = gateway_url
        super().__init__(self._eas, shared, faults=faults, latency=latency, clock=clock)

    @property
    def access_key_ids(self) -> list[str]:
        return sorted(self._keys)

    @property
    def gateway_url(self) -> str | None:
        return self._eas.services.gateway_url

    @gateway_url.setter
    def gateway_url(self, url: str | None) -> None:
        self._eas.services.gateway_url = url

    def serve_at(self, url: str) -> None:
        # Service endpoints point here, so `invoke` reaches this emulator's gateway.
        self.gateway_url = url

    @classmethod
    def from_settings(cls, settings: EmulatorSettings) -> Emulator:
        if settings.project_id is not None or settings.token is not None:
            raise ConfigError(
                "--project-id and --token are for --platform modelarts",
                hint="for EAS, use --access-key-id and --access-key-secret",
            )
        return cls(
            store=settings.store,
            credentials=settings.credentials,
            faults=settings.faults,
            region=settings.region or DEFAULT_REGION,
            latency=settings.latency,
            timings=Timings(rollout_lag=settings.rollout_lag),
            known_images=settings.known_images,
        )

    def banner(self, url: str) -> str:
        # The secret is shown only when it is the documented default, which is no secret.
        secret = f", secret {DEFAULT_ACCESS_KEY_SECRET}" if self._default_keys else ""
        return (
            f"EAS emulator on {url} (region {self.region}, "
            f"AccessKey ID {self.access_key_ids[0]}{secret})"
        )
