"""ModelArts models (reference/modelarts.md §3.2): find by name and version, import once,
wait until published, delete. Used by :class:`~deploykit.clients.huawei.modelarts.
ModelArtsClient`; a model is never imported twice.

Models are immutable: a name and version hold one config for good. Importing a version that
exists with the same config reuses it; with another config it is an error naming
``--model-version``, never a silent reuse of something the user did not ask for.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from deploykit.clients._api import Reply
from deploykit.clients._wait import Phase, Progress, wait_for
from deploykit.clients.huawei import deployment
from deploykit.clients.huawei._dialect import PAGE_SIZE
from deploykit.errors import ConflictError, DeploymentFailed, NotFoundError, WaitTimeout

if TYPE_CHECKING:
    from deploykit.clients.huawei.modelarts import ModelArtsClient

# §3.2 model_status: publishing → published; failed and building_failed are final.
MODEL_PHASES: Mapping[str, Phase] = {
    "published": Phase.RUNNING,
    "failed": Phase.FAILED,
    "building_failed": Phase.FAILED,
}
# §3.2: Terraform waits up to 20 min for a model to publish.
PUBLISH_TIMEOUT = 1200.0

ProgressSink = Callable[[str, Progress], None]


def model_label(name: str, version: str) -> str:
    return f"Model [{name}] version [{version}]"


def model_progress(model: Mapping[str, Any] | None) -> Progress:
    if model is None:
        return Progress.gone()
    status = str(model.get("model_status") or "unknown")
    # GUESS: the v1 model details document no failure reason field; the emulator and, by
    # the service API's naming, most likely the platform put it in error_msg.
    reason = model.get("error_msg") or model.get("failed_reason") or ""
    return Progress(status, MODEL_PHASES.get(status, Phase.PROGRESSING), message=str(reason))


class Models:
    """The model half of a deployment, over the client's requests and retries."""

    def __init__(self, client: ModelArtsClient, on_progress: ProgressSink | None) -> None:
        self._client = client
        self._on_progress = on_progress

    def find(self, name: str, version: str) -> dict[str, Any] | None:
        """The model ``name`` ``version`` (its list entry), or None. The list matches names
        fuzzily (§3.2, ``exact_match`` only escapes ``_``), so the answer is filtered here."""
        params = {"model_name": name, "model_version": version, "exact_match": "true",
                  "limit": str(PAGE_SIZE)}
        body = self._client.send("ListModels", "GET", self._client.path("models"),
                                 params=params).body
        for model in body.get("models") or []:
            if model.get("model_name") == name and model.get("model_version") == version:
                return dict(model)
        return None

    def describe(self, model_id: str) -> dict[str, Any]:
        return dict(self._client.send("ShowModel", "GET",
                                      self._client.path("models", model_id)).body)

    def describe_or_none(self, model_id: str) -> dict[str, Any] | None:
        try:
            return self.describe(model_id)
        except NotFoundError:
            return None

    def ensure(self, model: Mapping[str, Any]) -> tuple[str, Reply]:
        """The id of a published model as ``model`` describes it: reused when that name and
        version exist with the same config, else imported (once) and waited for."""
        name, version = str(model["model_name"]), str(model["model_version"])
        found = self.find(name, version)
        if found is not None:
            model_id = str(found["model_id"])
            self._refuse_other_config(self.describe(model_id), model)
            reply = Reply(message=f"{model_label(name, version)} exists: reused")
        else:
            reply = self._import(model)
            model_id = str(reply.body["model_id"])
        self.wait_published(model_id, name, version)
        return model_id, reply

    def wait_published(self, model_id: str, name: str, version: str) -> dict[str, Any]:
        """Wait until the model is published; ``DeploymentFailed`` (exit 4) with its reason."""
        label = model_label(name, version)
        policy = self._client.wait_policy(PUBLISH_TIMEOUT)
        seen: dict[str, Any] = {}

        def read() -> Progress:
            found = self.describe_or_none(model_id)
            seen.clear()
            seen.update(found or {})
            return model_progress(found)

        try:
            for progress in wait_for(read, Phase.RUNNING, policy,
                                     desc_command=f"deploykit desc {name} --platform modelarts"):
                if self._on_progress is not None:
                    self._on_progress(label, progress)
        except DeploymentFailed as failed:
            reason = model_progress(seen).message or "no reason given"
            raise DeploymentFailed(
                f"{label} is {failed.status}: {reason}",
                status=failed.status,
                hint="check --source-location (the image must exist in SWR, in this region) "
                "and the config.json, then create again with a new --model-version",
            ) from None
        except WaitTimeout as late:
            raise WaitTimeout(
                f"gave up waiting for {label} to publish after {policy.timeout:g} s (last status: "
                f"{late.last_status})",
                last_status=late.last_status,
                hint="the model may still be publishing; run the command again later "
                "(it is reused, not imported twice), or wait longer with --timeout",
            ) from None
        return seen

    def delete(self, model_id: str) -> Reply:
        """``DELETE /v1/{project_id}/models/{model_id}``; after an unknown outcome, a model
        that is gone counts as deleted."""
        path = self._client.path("models", model_id)
        return self._client.once_only(
            lambda: self._client.send("DeleteModel", "DELETE", path, retry=False),
            settled=lambda: Reply() if self.describe_or_none(model_id) is None else None,
        )

    def _import(self, model: Mapping[str, Any]) -> Reply:
        name, version = str(model["model_name"]), str(model["model_version"])

        def imported() -> Reply | None:
            found = self.find(name, version)
            if found is None:
                return None
            return Reply(body={"model_id": found["model_id"]}, resolved_by_describe=True)

        body = deployment.import_body(model)
        return self._client.once_only(
            lambda: self._client.send("CreateModel", "POST", self._client.path("models"),
                                      body=body, retry=False),
            settled=imported,
        )

    def _refuse_other_config(self, live: Mapping[str, Any], wanted: Mapping[str, Any]) -> None:
        differs = deployment.model_differences(deployment.live_model(live), wanted)
        if differs:
            name, version = wanted["model_name"], wanted["model_version"]
            raise ConflictError(
                f"{model_label(str(name), str(version))} exists with another "
                f"{' and '.join(differs)}; models cannot be changed",
                hint=f"pass a new --model-version (e.g. {deployment.next_version(str(version))}) "
                "to import this config as a new version",
            )
