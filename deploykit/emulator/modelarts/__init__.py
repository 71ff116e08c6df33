"""ModelArts's v1 management API on the emulator core: authentication, routes, answers, errors.

:class:`ModelArtsApi` is the :class:`~deploykit.emulator._cloud_api.CloudApi` of ModelArts:
an SDK-HMAC-SHA256 signature checked by the verifier the client's signer shares
(``clients.huawei._signature_check``) or an IAM token (``X-Auth-Token``), one project, the
operations (``_api``), the answers (``_view``), the error table (``_errors``) and the
records with their status tables (``_records``). :class:`ModelArtsEmulator` puts it on the
core with a store, faults and a clock.
"""

from __future__ import annotations

import hmac
import math
from collections.abc import Callable, Mapping
from typing import Any

from pydantic import SecretStr

from deploykit.clients.huawei._signature_check import verify_signature
from deploykit.clients.huawei._signer import split_target
from deploykit.emulator import _emulator as core
from deploykit.emulator._cloud_api import Answer, ApiFailure, JsonAnswers, Reply, Request
from deploykit.emulator._faults import Fault
from deploykit.emulator._lifecycle import Timings
from deploykit.emulator._store import Store
from deploykit.emulator.modelarts._api import ModelArtsOperations, route
from deploykit.emulator.modelarts._errors import ModelArtsFailure, new_request_id
from deploykit.emulator.modelarts._view import account_id
from deploykit.errors import ConfigError

# The documented defaults (README): what `--endpoint local` and `emulator serve --platform
# modelarts` accept when no credentials are given. Not secrets: they open a local emulator.
DEFAULT_ACCESS_KEY_ID = "DEPLOYKITEMULATORAK0"  # 20 characters, like a real AK
DEFAULT_SECRET_ACCESS_KEY = "deploykit-emulator-secret"  # noqa: S105 - a documented default
DEFAULT_PROJECT_ID = "0d1e2f3a4b5c6d7e8f90a1b2c3d4e5f6"
DEFAULT_REGION = "cn-north-4"
_CREATES = frozenset({"CreateModel", "CreateService"})


class ModelArtsApi(JsonAnswers):
    """ModelArts for one account and project in one region, over one store."""

    content_type = "application/json;charset=UTF-8"
    request_id_header = "X-Request-Id"  # §3.1: on every answer, errors included

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

    def gateway(self, request: Request, now: float) -> Reply | None:
        # Every request is for the management API: the emulator does not answer at a
        # service's access_address (yet), so `invoke` has nothing to reach here.
        return None

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

    def error_body(self, failure: ApiFailure, request_id: str) -> dict[str, Any]:
        # §3.1: {"error_code", "error_msg"}; the request id is the header's.
        return {"error_code": failure.code, "error_msg": failure.message}

    def fault_failure(self, fault: Fault) -> ApiFailure:
        # In ModelArts's words (_errors): the gateway's 503, §3.5's internal error and its
        # "the system is busy" 429.
        codes = {Fault.UNAVAILABLE: "APIGW.0203", Fault.INTERNAL: "ModelArts.0010",
                 Fault.THROTTLE: "ModelArts.6101"}
        return ModelArtsFailure(codes[fault])

    def retry_after_header(self, retry_after_ms: int) -> tuple[str, str]:
        # §3.5: 429 "resend after the time specified in the Retry-After header"; RFC 9110
        # gives it in whole seconds, so milliseconds round up.
        return ("Retry-After", str(math.ceil(retry_after_ms / 1000)))


class ModelArtsEmulator(core.EmulatorCore):
    """ModelArts's v1 models and services API for one project, locally.

    ``settings`` are what ``emulator serve`` takes: ``store`` None keeps state in memory, a
    path keeps it in SQLite shared by every process using that file; ``credentials``,
    ``project_id``, ``region`` default to the documented ones; ``token`` is an IAM token
    accepted besides signatures; with ``known_images``, an Image model whose image is not
    among them fails to publish. ``timings`` and ``clock`` are for tests.
    """

    def __init__(
        self,
        settings: core.EmulatorSettings | None = None,
        *,
        timings: Timings | None = None,
        clock: Callable[[], float] | None = None,
    ) -> None:
        given = settings or core.EmulatorSettings()
        self._keys = {ak: SecretStr(sk) for ak, sk in (
            given.credentials or {DEFAULT_ACCESS_KEY_ID: DEFAULT_SECRET_ACCESS_KEY}).items()}
        self._settings = given
        self.region = given.region or DEFAULT_REGION
        self.project_id = given.project_id or DEFAULT_PROJECT_ID
        known = None if given.known_images is None else frozenset(given.known_images)
        store = Store(given.store)
        owner = account_id(sorted(self._keys), self.project_id)
        operations = ModelArtsOperations(store, self.region, self.project_id, owner,
                                         timings or Timings(), known)
        token = None if given.token is None else SecretStr(given.token)
        api = ModelArtsApi(operations, self._keys, project_id=self.project_id, token=token)
        super().__init__(api, store, faults=given.faults, latency=given.latency, clock=clock)

    @classmethod
    def from_settings(cls, settings: core.EmulatorSettings) -> ModelArtsEmulator:
        if settings.rollout_lag:
            # The lag is how an EAS service reports an update (its old version for a while);
            # the ModelArts emulator's services go deploying at once.
            raise ConfigError("--rollout-lag is for --platform eas",
                              hint="leave it out for --platform modelarts")
        return cls(settings)

    def banner(self, url: str) -> str:
        # A secret is shown only when it is the documented default, which is no secret; a
        # token the user chose is never shown.
        secret = "" if self._settings.credentials else f", SK {DEFAULT_SECRET_ACCESS_KEY}"
        token = ", IAM token accepted" if self._settings.token is not None else ""
        return (
            f"ModelArts emulator on {url} (region {self.region}, project {self.project_id}, "
            f"AK {sorted(self._keys)[0]}{secret}{token})"
        )
