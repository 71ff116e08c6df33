"""ModelArts's v1 management API on the emulator core: authentication, routes, answers, errors.

:class:`ModelArtsApi` is the :class:`~deploykit.emulator._emulator.CloudApi` of ModelArts:
an SDK-HMAC-SHA256 signature checked by the verifier the client's signer shares
(``clients.huawei._signature_check``) or an IAM token (``X-Auth-Token``), one project, the
operations (``_api``), the answers (``_view``), the error table (``_errors``) and the
records with their status tables (``_records``). :class:`ModelArtsEmulator` puts it on the
core with a store, faults and a clock.
"""

from __future__ import annotations

import hmac
import json
import math
from collections.abc import Callable, Collection, Mapping
from pathlib import Path

from pydantic import SecretStr

from deploykit.clients.huawei._signature_check import verify_signature
from deploykit.clients.huawei._signer import split_target
from deploykit.emulator._emulator import (
    Answer,
    ApiFailure,
    EmulatorCore,
    EmulatorSettings,
    Reply,
    Request,
)
from deploykit.emulator._faults import Fault, Faults
from deploykit.emulator._lifecycle import Timings
from deploykit.emulator._store import Store
from deploykit.emulator.modelarts._api import ModelArtsOperations, route
from deploykit.emulator.modelarts._errors import ModelArtsFailure, error_body, new_request_id
from deploykit.emulator.modelarts._view import account_id

# The documented defaults (README): what `--endpoint local` and `emulator serve --platform
# modelarts` accept when no credentials are given. Not secrets: they open a local emulator.
DEFAULT_ACCESS_KEY_ID = "DEPLOYKITEMULATORAK0"  # 20 characters, like a real AK
DEFAULT_SECRET_ACCESS_KEY = "deploykit-emulator-secret"  # noqa: S105 - a documented default
DEFAULT_PROJECT_ID = "0d1e2f3a4b5c6d7e8f90a1b2c3d4e5f6"
DEFAULT_REGION = "cn-north-4"
_JSON = ("Content-Type", "application/json;charset=UTF-8")
_REQUEST_ID = "X-Request-Id"
_FAULT_CODES = {
    Fault.UNAVAILABLE: "APIGW.0203",
    Fault.INTERNAL: "ModelArts.0010",
    Fault.THROTTLE: "ModelArts.6101",
}
_CREATES = frozenset({"CreateModel", "CreateService"})


class ModelArtsApi:
    """ModelArts for one account and project in one region, over one store."""

    def __init__(
        self,
        operations: ModelArtsOperations,
        credentials: Mapping[str, SecretStr],
        *,
        project_id: str,
        token: SecretStr | None,
    ) -> None:
        self._operations = operations
        self._credentials = credentials
        self._project_id = project_id
        self._token = token

    def new_request_id(self) -> str:
        return new_request_id()

    def authenticate(self, request: Request, now: float) -> None:
        """The gateway's check (a token or a signature), then the project's (§3.5: 0210)."""
        token = request.header("X-Auth-Token")
        if token is not None:
            if self._token is None or not hmac.compare_digest(
                token.encode(), self._token.get_secret_value().encode()
            ):
                raise ModelArtsFailure(
                    "APIGW.0301",
                    message="Incorrect IAM authentication information: the token is invalid "
                    "or expired",
                )
        else:
            rejection = verify_signature(request.method, request.raw_path, request.headers,
                                         request.body, self._credentials, now)
            if rejection is not None:
                raise ApiFailure(rejection.status, rejection.error_code, rejection.error_msg)
        path, _ = split_target(request.raw_path)
        parts = path.split("/")
        projects = {parts[2] if len(parts) > 2 and parts[1] == "v1" else self._project_id,
                    request.header("X-Project-Id") or self._project_id}
        if projects != {self._project_id}:
            raise ModelArtsFailure("ModelArts.0210")

    def operate(self, request: Request, now: float) -> Answer:
        path, query = split_target(request.raw_path)
        call = route(request.method, path, dict(query), request.body)
        return Answer(self._operations.call(call, now), created=call.operation in _CREATES)

    def reply(self, answer: Answer, request_id: str) -> Reply:
        body = json.dumps(answer.body, ensure_ascii=False).encode()
        return Reply(200, [_JSON, (_REQUEST_ID, request_id)], body)

    def error_reply(self, failure: ApiFailure, request_id: str) -> Reply:
        return Reply(failure.status, [_JSON, (_REQUEST_ID, request_id)], error_body(failure))

    def fault_reply(self, fault: Fault, retry_after_ms: int, request_id: str) -> Reply:
        reply = self.error_reply(ModelArtsFailure(_FAULT_CODES[fault]), request_id)
        if fault is not Fault.THROTTLE:
            return reply
        # §3.5: 429 "resend after the time specified in the Retry-After header"; RFC 9110
        # gives it in whole seconds, so milliseconds round up.
        retry_after = ("Retry-After", str(math.ceil(retry_after_ms / 1000)))
        return Reply(reply.status, [*reply.headers, retry_after], reply.body)


class ModelArtsEmulator(EmulatorCore):
    """ModelArts's v1 models and services API for one project, locally.

    ``store``: None keeps state in memory; a path keeps it in SQLite, shared by every process
    using that file. ``token``: an IAM token accepted besides signatures. ``known_images``:
    when given, an Image model whose image is not among them fails to publish.
    """

    def __init__(
        self,
        store: str | Path | None = None,
        credentials: Mapping[str, str] | None = None,
        *,
        project_id: str = DEFAULT_PROJECT_ID,
        token: str | None = None,
        faults: Faults | None = None,
        region: str = DEFAULT_REGION,
        latency: float = 0.0,
        timings: Timings | None = None,
        clock: Callable[[], float] | None = None,
        known_images: Collection[str] | None = None,
    ) -> None:
        pairs = credentials or {DEFAULT_ACCESS_KEY_ID: DEFAULT_SECRET_ACCESS_KEY}
        self._keys = {ak: SecretStr(sk) for ak, sk in pairs.items()}
        self._default_keys = not credentials
        self._has_token = token is not None
        self.region = region
        self.project_id = project_id
        shared = Store(store)
        operations = ModelArtsOperations(
            shared, region=region, project_id=project_id,
            owner=account_id(sorted(self._keys), project_id), timings=timings or Timings(),
            known_images=None if known_images is None else frozenset(known_images),
        )
        api = ModelArtsApi(operations, self._keys, project_id=project_id,
                           token=None if token is None else SecretStr(token))
        super().__init__(api, shared, faults=faults, latency=latency, clock=clock)

    @classmethod
    def from_settings(cls, settings: EmulatorSettings) -> ModelArtsEmulator:
        return cls(
            store=settings.store,
            credentials=settings.credentials,
            project_id=settings.project_id or DEFAULT_PROJECT_ID,
            token=settings.token,
            faults=settings.faults,
            region=settings.region or DEFAULT_REGION,
            latency=settings.latency,
            known_images=settings.known_images,
        )

    def banner(self, url: str) -> str:
        # A secret is shown only when it is the documented default, which is no secret; a
        # token the user chose is never shown.
        secret = f", SK {DEFAULT_SECRET_ACCESS_KEY}" if self._default_keys else ""
        token = ", IAM token accepted" if self._has_token else ""
        return (
            f"ModelArts emulator on {url} (region {self.region}, project {self.project_id}, "
            f"AK {sorted(self._keys)[0]}{secret}{token})"
        )
