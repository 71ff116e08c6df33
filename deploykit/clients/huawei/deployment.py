"""What deploykit deploys to ModelArts: a model (config.json and its image) and its service.

A ModelArts deployment is two API resources (reference/modelarts.md §3.2–3.3): a **model**,
imported once per name and version and immutable after that, and a real-time **service**
running one model version. ``ModelArtsClient`` takes and returns both as one JSON object, the
*deployment*, so that ``create``, ``apply`` and ``plan`` work on it as they do on an EAS
service JSON::

    {"service_name": "echo",
     "model": {"model_name": "echo", "model_version": "1.0.0", "model_type": "Image",
               "source_location": "swr.cn-north-4.myhuaweicloud.com/deploykit/echo:1.0",
               "initial_config": {...config.json...}},
     "service": {"infer_type": "real-time", "specification": "modelarts.vm.cpu.2u",
                 "instance_count": 1, "envs": {"LOG_LEVEL": "info"}}}

``service`` is absent for ``--model-only``. Partial deployments (``modify``) hold only the
keys to change and are merged into the live one (:func:`merged`). Pure data: no httpx here.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from deploykit.errors import ConfigError, SpecError

# reference/modelarts.md §3.3: real-time services (batch needs src/dest paths and mappings).
INFER_TYPE = "real-time"
# §3.3: "weight: real-time mandatory; sum = 100" — one model takes all the traffic.
FULL_WEIGHT = 100
# The defaults PRODUCT.md's `create` shows; modelarts.vm.cpu.2u is the deploy example's
# flavor (§3.3) and §5.2's SDK examples'.
DEFAULT_MODEL_VERSION = "1.0.0"
DEFAULT_SPECIFICATION = "modelarts.vm.cpu.2u"
# §3.2: model_version is Digit.Digit.Digit, each 1–2 digits, no leading 0 ("01.01.01").
VERSION_PATTERN = re.compile(r"^(0|[1-9][0-9]?)\.(0|[1-9][0-9]?)\.(0|[1-9][0-9]?)$")
# §1.1 / §1.2: a custom image model; its image is the model's source location.
IMAGE_MODEL_TYPE = "Image"


def deployment(
    config: Mapping[str, Any],
    *,
    path: str,
    name: str | None,
    model_version: str | None = None,
    source_location: str | None = None,
    specification: str | None = None,
    instance: int | None = None,
    envs: Mapping[str, str] | None = None,
    model_only: bool = False,
) -> dict[str, Any]:
    """The deployment of a validated ``config.json`` with ``create``'s options.

    ``ConfigError`` (exit 2) for what the options must supply: a name, a usable version, a
    source location (for ``model_type: Image``, ``swr_location`` stands in unless given).
    """
    if not name:
        raise ConfigError(
            f"{path}: a ModelArts deployment needs --name",
            hint="e.g. --name echo (the service's and the model's name)",
        )
    version = model_version or DEFAULT_MODEL_VERSION
    check_version(version)
    model_type = str(config.get("model_type") or "")
    source = source_location
    swr_location = config.get("swr_location")
    if not source and model_type == IMAGE_MODEL_TYPE and isinstance(swr_location, str):
        source = swr_location
    if not source:
        what = "an SWR image" if model_type == IMAGE_MODEL_TYPE else "the OBS path of the model"
        raise ConfigError(
            f"{path}: no source location for the model",
            hint=f"pass --source-location with {what}, e.g. "
            "swr.cn-north-4.myhuaweicloud.com/deploykit/echo:1.0",
        )
    spec: dict[str, Any] = {
        "service_name": name,
        "model": {
            "model_name": name,
            "model_version": version,
            "model_type": model_type,
            "source_location": source,
            "initial_config": dict(config),
        },
    }
    if not model_only:
        spec["service"] = {
            "infer_type": INFER_TYPE,
            "specification": specification or DEFAULT_SPECIFICATION,
            "instance_count": 1 if instance is None else instance,
            "envs": dict(envs or {}),
        }
    return spec


def check_version(version: str) -> None:
    if not VERSION_PATTERN.match(version):
        raise ConfigError(
            f"--model-version {version!r} is not Digit.Digit.Digit",
            hint="ModelArts versions are three numbers of 1–2 digits without a leading 0, "
            "e.g. 1.0.0 or 1.0.12",
        )


def next_version(version: str) -> str:
    """The next patch version: ``1.0.9`` → ``1.0.10``, ``1.0.99`` → ``1.1.0``."""
    parts = [int(p) for p in version.split(".")]
    for i in (2, 1, 0):
        if parts[i] < 99:
            parts[i] += 1
            return ".".join(map(str, parts))
        parts[i] = 0
    raise ConfigError(f"model version {version} is the last one ModelArts allows",
                      hint="import the model under another --name")


def name_of(spec: Mapping[str, Any]) -> str:
    name = spec.get("service_name")
    if not isinstance(name, str) or not name:
        raise SpecError("the deployment has no service_name", hint="pass --name")
    return name


def part(spec: Mapping[str, Any], key: str) -> dict[str, Any]:
    """``spec[key]`` (``model`` or ``service``) as a dict; empty when absent."""
    value = spec.get(key)
    return dict(value) if isinstance(value, Mapping) else {}


def merged(base: Mapping[str, Any], change: Mapping[str, Any]) -> dict[str, Any]:
    """``change`` over ``base``: objects merge key by key, like EAS's UpdateService and
    ``modify -D``; a model's ``initial_config`` is one file and is replaced whole."""
    result = dict(base)
    for key, value in change.items():
        old = result.get(key)
        if key != "initial_config" and isinstance(old, Mapping) and isinstance(value, Mapping):
            result[key] = merged(old, value)
        else:
            result[key] = value
    return result


def import_body(model: Mapping[str, Any]) -> dict[str, Any]:
    """``POST /v1/{project_id}/models`` (§3.2): the config travels as a JSON string."""
    config = part(model, "initial_config")
    body = {
        "model_name": model["model_name"],
        "model_version": model["model_version"],
        "source_location": model["source_location"],
        "model_type": model.get("model_type") or config.get("model_type"),
        "initial_config": json.dumps(config, ensure_ascii=False),
    }
    # §3.2: both are read from the config when left out; sending them says which we meant.
    for key in ("model_algorithm", "runtime"):
        if isinstance(config.get(key), str) and config[key]:
            body[key] = config[key]
    return body


def service_config(service: Mapping[str, Any], model_id: str) -> list[dict[str, Any]]:
    """The service's ``config`` array (§3.3): one model, all the traffic."""
    return [
        {
            "model_id": model_id,
            "specification": service.get("specification") or DEFAULT_SPECIFICATION,
            "instance_count": service.get("instance_count", 1),
            "weight": FULL_WEIGHT,
            "envs": dict(service.get("envs") or {}),
        }
    ]


def deploy_body(name: str, service: Mapping[str, Any], model_id: str) -> dict[str, Any]:
    """``POST /v1/{project_id}/services`` (§3.3)."""
    return {
        "service_name": name,
        "infer_type": service.get("infer_type") or INFER_TYPE,
        "config": service_config(service, model_id),
    }


def model_differences(live: Mapping[str, Any], wanted: Mapping[str, Any]) -> list[str]:
    """The keys of model ``wanted`` whose value ``live`` does not have. Keys only the live
    model has (the platform adds some to a stored config, §1.9) are no difference."""
    from deploykit.deploy.changes import changes_only, diff

    return [
        key for key in ("model_name", "model_version", "model_type", "source_location",
                        "initial_config")
        if key in wanted and changes_only(diff({key: live.get(key)}, {key: wanted[key]}))
    ]


def live_model(model: Mapping[str, Any]) -> dict[str, Any]:
    """A model's details (GET /models/{id}) in the deployment's form; ``config`` is the
    imported config.json as a string (§3.2)."""
    raw = model.get("config")
    try:
        config = json.loads(raw) if isinstance(raw, str) and raw.strip() else raw
    except ValueError:
        config = None
    return {
        "model_name": model.get("model_name"),
        "model_version": model.get("model_version"),
        "model_type": model.get("model_type"),
        "source_location": model.get("source_location"),
        "initial_config": config if isinstance(config, dict) else {},
    }


def live_service(service: Mapping[str, Any]) -> dict[str, Any]:
    """A service's details (GET /services/{id}) in the deployment's form (model aside)."""
    first = first_config(service)
    return {
        "infer_type": service.get("infer_type"),
        "specification": first.get("specification"),
        "instance_count": first.get("instance_count"),
        "envs": dict(first.get("envs") or {}),
    }


def first_config(service: Mapping[str, Any]) -> dict[str, Any]:
    """The service's first (and for deploykit's services, only) model entry."""
    config = service.get("config")
    first = config[0] if isinstance(config, list) and config else {}
    return dict(first) if isinstance(first, Mapping) else {}


def instance_total(service: Mapping[str, Any]) -> int:
    config = service.get("config")
    total = 0
    for entry in config if isinstance(config, list) else []:
        count = entry.get("instance_count") if isinstance(entry, Mapping) else None
        total += count if isinstance(count, int) and not isinstance(count, bool) else 0
    return total
