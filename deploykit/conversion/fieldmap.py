"""The field map: which ModelArts config.json field becomes which EAS field, and how.

This module is data. ``FIELD_PAIRS`` lists the fields the two platforms share, each with the
transform for either direction; ``NO_COUNTERPART`` says, for the fields that have no place on
the other side, what the user does instead. Adding a field is one line here; the engine
(``deploykit.conversion.converter``) reads these tables and reports every source field that no
entry consumed, so nothing is ever dropped silently.

The port is not a plain pair: it is the one documented conflict (ModelArts images listen on
8080, which EAS reserves) and is resolved by the port policy in ``conversion``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from deploykit.conversion.probes import health_to_probe, probe_to_health
from deploykit.conversion.record import ConversionRecord, display
from deploykit.conversion.requirements import (
    dependencies_to_requirements,
    requirements_to_dependencies,
)

# value at the source pointer, that pointer, the record → the target value (None: nothing).
Transform = Callable[[Any, str, ConversionRecord], Any]


def same(value: Any, at: str, record: ConversionRecord) -> Any:
    return value


def text(value: Any, at: str, record: ConversionRecord) -> Any:
    if isinstance(value, str) and value:
        return value
    record.not_expressible(at, f"{display(at)} is not a non-empty string; not carried over")
    return None


@dataclass(frozen=True)
class FieldPair:
    modelarts: str  # JSON pointer into config.json
    eas: str  # JSON pointer into the EAS service JSON
    to_eas: Transform = same
    to_modelarts: Transform = same


# reference/modelarts.md §7 (the field map); EAS names from reference/eas.md §1.5 and seeds/004.
FIELD_PAIRS = (
    # Custom-image models carry their image in swr_location (legacy, OBS import) or in the
    # CreateModel source_location, which is not part of config.json (reference §1.2).
    FieldPair("/swr_location", "/containers/0/image", text, text),
    FieldPair(
        "/dependencies",
        "/containers/0/prepare/pythonRequirements",
        dependencies_to_requirements,
        requirements_to_dependencies,
    ),
    # ModelArts v1 `health` checks start-up and running (≈ EAS readiness + liveness); the two
    # later probes map by name (reference/modelarts.md §1.6, §7).
    FieldPair("/health", "/containers/0/health_check", health_to_probe, probe_to_health),
    FieldPair(
        "/readiness_health", "/containers/0/readiness_check", health_to_probe, probe_to_health
    ),
    FieldPair("/startup_health", "/containers/0/startup_check", health_to_probe, probe_to_health),
)


@dataclass(frozen=True)
class Counterpart:
    """What the target platform has instead of a source field that cannot travel."""

    why: str
    suggestion: str | None = None


# Source fields with no counterpart, by target platform, keyed by pointer with array indexes
# written as "*". Fields not listed here are still reported, with a generic message.
NO_COUNTERPART: dict[str, dict[str, Counterpart]] = {
    "eas": {
        "/apis": Counterpart(
            "EAS has no per-API request/response schema; its gateway forwards every path under "
            "the service endpoint to the container",
            "keep the API schema in your own docs; EAS serves whatever paths the image serves",
        ),
        "/metrics": Counterpart("EAS keeps no model quality metrics"),
        "/model_algorithm": Counterpart("EAS has no model algorithm field"),
        "/runtime": Counterpart(
            "the runtime selects a ModelArts built-in engine; EAS runs your container image",
            "build an image with this runtime and pass --image",
        ),
        "/model_type": Counterpart(
            "a ModelArts built-in AI engine has no EAS counterpart; EAS needs a container image "
            "that serves the model (the model package under model/ is not converted)",
            "build an image that serves the model and pass --image",
        ),
        "/execution_code": Counterpart("a ModelArts CreateModel field, not used by EAS"),
        "/model_source": Counterpart("a platform-owned ModelArts field"),
        "/tunable": Counterpart("a platform-owned ModelArts field"),
        "/algorithm": Counterpart("a platform-owned ModelArts field"),
        "/downloadable_flag": Counterpart("a platform-owned ModelArts field"),
    },
    "modelarts": {
        "/metadata/name": Counterpart(
            "config.json has no service name; ModelArts names the model and the service when "
            "you import and deploy",
            "use it as model_name/service_name when importing and deploying",
        ),
        "/name": Counterpart(
            "config.json has no service name; ModelArts names the model and the service when "
            "you import and deploy",
            "use it as model_name/service_name when importing and deploying",
        ),
        "/metadata/instance": Counterpart(
            "the instance count is a ModelArts service setting (config[].instance_count)",
            "set instance_count when deploying the service",
        ),
        "/metadata/cpu": Counterpart(
            "resources come from the ModelArts service flavor (specification or custom_spec)",
            "choose a flavor, or custom_spec {cpu, memory (MB)}, when deploying the service",
        ),
        "/metadata/memory": Counterpart(
            "resources come from the ModelArts service flavor (specification or custom_spec)",
            "choose a flavor, or custom_spec {cpu, memory (MB)}, when deploying the service",
        ),
        "/metadata/gpu": Counterpart(
            "resources come from the ModelArts service flavor (specification or custom_spec)",
            "choose a GPU flavor when deploying the service",
        ),
        "/containers/*/command": Counterpart(
            "config.json has no start command; ModelArts runs the image's CMD "
            "(or the CreateModel `cmd` field)",
            "make it the image's CMD (e.g. CMD sh /home/run.sh), or pass it as `cmd` when "
            "creating the model",
        ),
        "/containers/*/script": Counterpart(
            "config.json has no start command; ModelArts runs the image's CMD "
            "(or the CreateModel `cmd` field)",
            "put the script in the image (e.g. /home/run.sh) and make it the image's CMD",
        ),
        "/containers/*/env": Counterpart(
            "environment variables are a ModelArts service setting (config[].envs)",
            "set them as envs when deploying the service",
        ),
        "/containers/*/prepare/pythonRequirementsPath": Counterpart(
            "ModelArts cannot read a requirements file",
            "list the packages in prepare.pythonRequirements, or install them in the image",
        ),
        "/containers/*": Counterpart(
            "a ModelArts model runs one container; extra (sidecar) containers are not carried over",
        ),
        "/dockerAuth": Counterpart(
            "ModelArts pulls images from SWR with your account's permissions; the registry "
            "credential is not copied",
            "push the image to SWR (set it private) and import it from there",
        ),
        "/storage": Counterpart(
            "ModelArts mounts the model package at /home/mind/model; OSS, NAS and git mounts "
            "have no config.json counterpart",
            "bake the files into the image or the model package",
        ),
        **dict.fromkeys(
            (
                "/processor",
                "/processor_path",
                "/processor_entry",
                "/processor_type",
                "/processor_mainclass",
                "/model_path",
                "/model_entry",
                "/model_config",
            ),
            Counterpart(
                "an EAS processor service has no ModelArts custom-image counterpart; ModelArts "
                "imports the model package with a built-in engine or runs your image",
                "serve the model from a container image, or import the model files with a "
                "ModelArts engine (model_type, runtime) by hand",
            ),
        ),
        "/autoscaler": Counterpart(
            "auto-scaling is configured on the ModelArts service, not in config.json"
        ),
        "/token": Counterpart(
            "ModelArts authenticates callers with IAM or app authentication; "
            "the token is not copied",
        ),
    },
}
