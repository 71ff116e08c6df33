"""The ModelArts v1 management API of one project: models, real-time services and their events.

Paths and bodies are reference/modelarts.md §3.2–3.3; every path starts with the project
(``/v1/{project_id}/...``). Requests are signed by the ``httpx.Auth`` the client was built
with (SDK-HMAC-SHA256 or the IAM token, ``clients.huawei``), sent and retried by the
:class:`ApiClient` core and spoken in the :data:`MODELARTS_DIALECT`.

A deploykit *deployment* (``clients.huawei.deployment``) is a model and the service running
it; ``create`` imports the model (or reuses the same name, version and config), waits until
it is published, then deploys the service. Services are addressed by name here, as on EAS;
the API addresses them by id, so a name is looked up by listing (and the id remembered).

Never twice: a model import or a service deploy whose answer was lost is resolved by listing
by name (model: name + version; service: name) before anything is sent again
(``ApiClient.once_only``). A name taken before our first request is a ``ConflictError``.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable, Iterator, Mapping
from typing import Any
from urllib.parse import quote

import httpx

from deploykit.clients._api import ApiClient, Reply
from deploykit.clients._retry import RetryableFailure, RetryPolicy
from deploykit.clients._wait import Phase, Progress, WaitPolicy, wait_for
from deploykit.clients.huawei import deployment
from deploykit.clients.huawei._dialect import MODELARTS_DIALECT, PAGE_SIZE
from deploykit.clients.huawei._models import Models, ProgressSink
from deploykit.errors import ConfigError, ConflictError, NotFoundError

# reference/modelarts.md §3.3 status → what it means to a wait. Terraform's targets are
# running/finished/stopped and it fails on failed; everything else (deploying, concerning,
# stopping, deleting, pending, waiting) is on its way somewhere.
PHASES: Mapping[str, Phase] = {
    "running": Phase.RUNNING,
    "stopped": Phase.STOPPED,
    "failed": Phase.FAILED,
}
# §3.3: Terraform's delete timeout for a service is 20 min.
DELETE_TIMEOUT = 1200.0
# ShowServiceEvents event_type of the events that explain a failure.
ABNORMAL = "abnormal"


class ModelArtsClient(ApiClient):
    """ModelArts in one region and project, over an httpx client built by ``_http``."""

    def __init__(
        self,
        http: httpx.Client,
        region: str,
        project_id: str,
        *,
        policy: RetryPolicy | None = None,
        on_retry: Callable[[RetryableFailure, float], None] | None = None,
        on_progress: ProgressSink | None = None,
    ) -> None:
        super().__init__(http, MODELARTS_DIALECT, policy=policy, on_retry=on_retry)
        self.region = region
        self.project_id = project_id
        self._wait = WaitPolicy()  # the waiter's defaults; bounded by wait_policy()
        self.models = Models(self, on_progress)
        self._ids: dict[str, str] = {}  # service name → id, as last seen
        self._ids_lock = threading.Lock()

    def wait_policy(self, longest: float) -> WaitPolicy:
        """How a wait inside an operation polls: at most ``longest`` s, and never past the
        command's ``--timeout`` (the retry policy's deadline)."""
        left = self.policy.remaining()
        timeout = longest if left is None else max(0.0, min(left, longest))
        return dataclasses.replace(self._wait, timeout=timeout)

    def path(self, *parts: str) -> str:
        """``/v1/{project_id}/...`` with each part percent-encoded."""
        return "/v1/" + "/".join(quote(p, safe="") for p in (self.project_id, *parts))

    # -- deployments -----------------------------------------------------------------------

    def create(self, spec: Mapping[str, Any]) -> Reply:
        """Import (or reuse) the model, wait until published, then deploy the service.

        A service of that name already there is a ``ConflictError`` before anything is sent.
        Without a ``service`` part (``--model-only``) the answer has ``no_service``.
        """
        name = deployment.name_of(spec)
        service = deployment.part(spec, "service")
        if service and self.find(name) is not None:
            raise ConflictError(
                f"service {name!r} exists already",
                hint=f"use `deploykit modify {name} --platform modelarts` or `deploykit apply` "
                "to change it",
            )
        model_id, imported = self.models.ensure(deployment.part(spec, "model"))
        if not service:
            model = deployment.part(spec, "model")
            label = f"Model [{model['model_name']}] version [{model['model_version']}]"
            return Reply(imported.request_id, f"{label} is published",
                         {"model_id": model_id}, imported.resolved_by_describe, no_service=True)
        return self._deploy(name, service, model_id)

    def update(self, name: str, spec: Mapping[str, Any], *, replace: bool = False) -> Reply:
        """Merge ``spec`` (a partial deployment) into the live one and make it so.

        A model that changes is imported as a new version (models are immutable; without a
        ``model_version`` the next patch version is used), then the service is pointed at it.
        ``replace`` is refused: a deployment is two resources, merged field by field.
        """
        if replace:
            raise ConfigError("--replace is for EAS services",
                              hint="give the keys to change; ModelArts merges them")
        live = self.describe(name)
        current = self.live_spec(live)
        wanted = deployment.merged(current, spec)
        live_model_id = str(deployment.first_config(live).get("model_id") or "")
        model_id = self._model_for(current, wanted, spec) or live_model_id
        service = deployment.part(wanted, "service")
        config = deployment.service_config(service, model_id)
        before = deployment.service_config(deployment.part(current, "service"), live_model_id)
        if config == before:
            # §3.5 ModelArts.3516: deploying the version a service runs already is refused.
            return Reply(message=f"Service [{name}] is unchanged")
        # Safe to resend: the same config twice is the same config (§3.3 PUT).
        reply = self.send("UpdateService", "PUT", self._service_path(live),
                          body={"config": config})
        return Reply(reply.request_id, f"Service [{name}] is updating", reply.body)

    def live_spec(self, service: Mapping[str, Any]) -> dict[str, Any]:
        """The live deployment: the service's details and its model's (one more call)."""
        spec: dict[str, Any] = {"service_name": service.get("service_name")}
        model_id = deployment.first_config(service).get("model_id")
        model = self.models.describe_or_none(str(model_id)) if model_id else None
        if model is not None:
            spec["model"] = deployment.live_model(model)
        spec["service"] = deployment.live_service(service)
        return spec

    # -- services --------------------------------------------------------------------------

    def describe(self, name: str) -> dict[str, Any]:
        """The service's details; ``NotFoundError`` when there is no service of that name."""
        found = self.find(name)
        if found is None:
            raise NotFoundError(
                f"service {name!r} does not exist in project {self.project_id} "
                f"({self.region})",
                code="ModelArts.3502",
                hint="check the name and --region (`deploykit ls --platform modelarts`)",
            )
        return found

    def find(self, name: str) -> dict[str, Any] | None:
        """The service's details (``GET /services/{id}``), or None."""
        with self._ids_lock:
            known = self._ids.get(name)
        if known is not None:
            try:
                details = self._show(known)
            except NotFoundError:
                details = None
            if details is not None and details.get("service_name") == name:
                return details
        entry = next(self._list(service_name=name), None)
        if entry is None:
            return None
        service_id = str(entry["service_id"])
        with self._ids_lock:
            self._ids[name] = service_id
        try:
            return self._show(service_id)
        except NotFoundError:  # deleted between the two calls
            return None

    def list_services(self) -> Iterator[dict[str, Any]]:
        """Every service of the project, page by page (§3.3 ListServices)."""
        return self._list()

    def delete(self, name: str, *, with_model: bool = False) -> Reply:
        """Delete the service; ``with_model``: wait until it is gone, then delete its models.

        After an unknown outcome, a service gone or deleting counts as deleted.
        """
        live = self.describe(name)
        path = self._service_path(live)

        def deleting() -> Reply | None:
            found = self.find(name)
            gone = found is None or found.get("status") == "deleting"
            return Reply(message=f"Service [{name}] is deleting") if gone else None

        reply = self.once_only(lambda: self.send("DeleteService", "DELETE", path, retry=False),
                               settled=deleting)
        if not with_model:
            return Reply(reply.request_id, f"Service [{name}] is deleting", reply.body)
        # §3.5 ModelArts.3009: a model a service uses cannot be deleted, so wait first.
        for _ in wait_for(lambda: self.progress(self.find(name)), Phase.GONE,
                          self.wait_policy(DELETE_TIMEOUT),
                          desc_command=f"deploykit desc {name} --platform modelarts"):
            pass
        models = [str(c.get("model_id")) for c in live.get("config") or [] if c.get("model_id")]
        for model_id in models:
            self.models.delete(model_id)
        return Reply(reply.request_id,
                     f"Service [{name}] deleted, and its model ({len(models)} version"
                     f"{'' if len(models) == 1 else 's'})", reply.body)

    def start(self, name: str) -> Reply:
        """``PUT {"status": "running"}`` (§3.3); saying it twice says the same thing."""
        return self._set_status(name, "running", "is starting")

    def stop(self, name: str) -> Reply:
        """``PUT {"status": "stopped"}`` (§3.3)."""
        return self._set_status(name, "stopped", "is stopping")

    def scale(self, name: str, instances: int) -> Reply:
        """A config update with the new ``instance_count`` (v1 has no scale call)."""
        return self.update(name, {"service": {"instance_count": instances}})

    def events(self, name: str) -> list[dict[str, Any]]:
        """ShowServiceEvents, newest first (§3.3: sort by occur_time, desc by default)."""
        return self._events(str(self.describe(name)["service_id"]))

    # -- reading answers -------------------------------------------------------------------

    def progress(self, service: Mapping[str, Any] | None) -> Progress:
        """A service's details as the waiter sees them. A failed service's message is its
        ``error_msg`` and its abnormal events (one more call, only then)."""
        if service is None:
            return Progress.gone()
        status = str(service.get("status") or "unknown")
        phase = PHASES.get(status, Phase.PROGRESSING)
        total = deployment.instance_total(service)
        # v1 details carry no instance counts: all are up once running, none while stopped.
        running = total if phase is Phase.RUNNING else 0
        pending = total if phase is Phase.PROGRESSING else 0
        message = str(service.get("error_msg") or "")
        if phase is Phase.FAILED and service.get("service_id"):
            news = [w for w in self._warnings(service) if w not in message]
            message = "; ".join(filter(None, [message, *dict.fromkeys(news)]))
        return Progress(status, phase, total, pending, running, message)

    # -- plumbing --------------------------------------------------------------------------

    def _deploy(self, name: str, service: Mapping[str, Any], model_id: str) -> Reply:
        def deployed() -> Reply | None:
            found = self.find(name)
            if found is None:
                return None
            return Reply(body={"service_id": found.get("service_id")}, resolved_by_describe=True)

        body = deployment.deploy_body(name, service, model_id)
        return self.once_only(
            lambda: self.send("CreateService", "POST", self.path("services"), body=body,
                              retry=False),
            settled=deployed,
        )

    def _model_for(
        self, current: Mapping[str, Any], wanted: Mapping[str, Any], change: Mapping[str, Any]
    ) -> str | None:
        """The id of the model ``wanted`` names when it is not the live one, else None. A
        changed model without a version of its own gets the live version's successor."""
        have, model = deployment.part(current, "model"), deployment.part(wanted, "model")
        if not deployment.model_differences(have, model):
            return None
        if "model_version" not in deployment.part(change, "model"):
            live_version = str(have.get("model_version") or deployment.DEFAULT_MODEL_VERSION)
            model["model_version"] = deployment.next_version(live_version)
        model_id, _ = self.models.ensure(model)
        return model_id

    def _set_status(self, name: str, status: str, doing: str) -> Reply:
        reply = self.send("UpdateService", "PUT", self._service_path(self.describe(name)),
                          body={"status": status})
        return Reply(reply.request_id, f"Service [{name}] {doing}", reply.body)

    def _list(self, **filters: str) -> Iterator[dict[str, Any]]:
        """ListServices pages (``offset`` is the page number, §3.3), filtered exactly by
        ``service_name`` when given (the API's own filter may match more)."""
        wanted = filters.get("service_name")

        def read(page: int) -> Mapping[str, Any]:
            params = {**filters, "offset": str(page), "limit": str(PAGE_SIZE)}
            return self.send("ListServices", "GET", self.path("services"), params=params).body

        services = self.pages(read, first=0, items="services", total="total_count",
                              size=PAGE_SIZE)
        return (s for s in services if wanted is None or s.get("service_name") == wanted)

    def _show(self, service_id: str) -> dict[str, Any]:
        return dict(self.send("ShowService", "GET", self.path("services", service_id)).body)

    def _events(self, service_id: str) -> list[dict[str, Any]]:
        body = self.send("ShowServiceEvents", "GET", self.path("services", service_id, "events"),
                         params={"limit": str(PAGE_SIZE)}).body
        return [dict(e) for e in body.get("events") or []]

    def _warnings(self, service: Mapping[str, Any]) -> list[str]:
        try:
            events = self._events(str(service["service_id"]))
        except NotFoundError:  # deleted meanwhile: its error_msg is all there is
            return []
        return [str(e.get("event_info")) for e in events if e.get("event_type") == ABNORMAL]

    def _service_path(self, service: Mapping[str, Any]) -> str:
        return self.path("services", str(service["service_id"]))
