"""convert(): a loaded ModelArts config.json or EAS service JSON in, the other one out, with
every field that could not travel reported as a Diagnostic on the source.

The engine applies the field map (``fieldmap.FIELD_PAIRS``), resolves the port conflict,
fills what the target needs from ``Overrides``, the image's start command or a reported
default, and reports every source field no step consumed (``fieldmap.NO_COUNTERPART`` says
why, where it knows). Last, the output is validated as ``deploykit validate`` would: a
conversion whose output it would reject is blocked (an error; the CLI writes nothing), so
convert never writes a spec validate rejects. ``convert`` is pure; ``convert_target`` reads
the input and the Dockerfile beside it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from deploykit import facts
from deploykit import pointer as jp
from deploykit.conversion import losses
from deploykit.conversion.fieldmap import FIELD_PAIRS, NO_COUNTERPART
from deploykit.conversion.output import ordered
from deploykit.conversion.record import ConversionRecord, unconsumed, wildcard
from deploykit.diagnostics import Diagnostic, Severity, sort_key
from deploykit.errors import ConversionError
from deploykit.images.start import StartCommand, start_command_beside
from deploykit.loading import LoadedSpec, Target, load_target
from deploykit.loading.discovery import STDIN
from deploykit.models.modelarts_engines import IMAGE

TARGETS = ("eas", "modelarts")

# reference/modelarts.md §1.2, §7: the TF provider's placeholder algorithm for Image models.
DEFAULT_MODEL_ALGORITHM = "unknown_algorithm"
# reference/modelarts.md §1.4: an Image model declares the paths its image serves; EAS forwards
# every path, so the root, JSON in and out, is the honest default.
DEFAULT_API = {
    "protocol": "http",
    "url": "/",
    "method": "post",
    "request": {"Content-type": "application/json"},
    "response": {"Content-type": "application/json"},
}
DEFAULT_INSTANCE = 1
# reference/eas.md §1.12: lowercase letters, digits and underscores (PAI-RAG, aiops skill).
_NOT_IN_EAS_NAME = re.compile(r"[^a-z0-9_]+")
# Registries that are the other cloud's: Huawei SWR vs Alibaba ACR (reference/modelarts.md §7).
_SWR = re.compile(r"(^|[./])swr\.|myhuaweicloud|huaweicloud")
_ACR = re.compile(r"aliyuncs\.com|(^|[./])cr\.aliyun")


@dataclass(frozen=True)
class Overrides:
    """Values the user gives for what the target needs and the source lacks (CLI options)."""

    name: str | None = None  # EAS metadata.name
    instance: int | None = None  # EAS metadata.instance
    cpu: int | None = None  # EAS metadata.cpu (cores)
    memory: int | None = None  # EAS metadata.memory (MB, reference/eas.md §1.2)
    command: str | None = None  # EAS containers[0].command
    script: str | None = None  # EAS containers[0].script
    env: tuple[tuple[str, str], ...] = ()  # EAS containers[0].env
    image: str | None = None  # EAS containers[0].image / ModelArts swr_location
    port: int | None = None  # EAS containers[0].port / ModelArts port
    model_algorithm: str | None = None  # ModelArts model_algorithm


# Which target each override fills; giving one the target has no use for is a usage error.
OVERRIDE_TARGETS = {
    "name": ("eas",),
    "instance": ("eas",),
    "cpu": ("eas",),
    "memory": ("eas",),
    "command": ("eas",),
    "script": ("eas",),
    "env": ("eas",),
    "image": ("eas", "modelarts"),
    "port": ("eas", "modelarts"),
    "model_algorithm": ("modelarts",),
}


@dataclass(frozen=True)
class ConversionResult:
    data: dict[str, Any]
    diagnostics: list[Diagnostic] = field(default_factory=list)
    source_platform: str = ""
    target_platform: str = ""

    @property
    def blocked(self) -> bool:
        """An error-level conflict: the output must not be used (the CLI writes nothing)."""
        return any(d.severity is Severity.ERROR for d in self.diagnostics)

    @property
    def losses(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if losses.is_loss(d)]


def convert_target(
    target: Target,
    to: str,
    overrides: Overrides = Overrides(),
    *,
    platform: str = "auto",
    stdin_name: str | None = None,
) -> tuple[LoadedSpec, ConversionResult]:
    """Read ``target`` (a file, or ``-`` for stdin shown as ``stdin_name``) and convert it.
    Converting a file to EAS without --command/--script, the start command is taken from a
    Dockerfile beside it (the model package layout); stdin has no "beside"."""
    loaded = load_target(target, platform=platform, stdin_name=stdin_name)
    start = None
    wants_start = to == "eas" and overrides.command is None and overrides.script is None
    if wants_start and target.path != STDIN:
        start = start_command_beside(Path(target.path))
    return loaded, convert(loaded, to, overrides, start=start)


def convert(
    loaded: LoadedSpec,
    to: str,
    overrides: Overrides = Overrides(),
    *,
    start: StartCommand | None = None,
) -> ConversionResult:
    """Convert ``loaded`` to platform ``to``; ``start`` is the image's start command, used for
    EAS when ``overrides`` give none. Raises :class:`ConversionError` only when nothing can be
    produced (unknown platform, same platform, a document that is not an object, an override
    that contradicts the target)."""
    if to not in TARGETS:
        raise ConversionError(
            f"unknown target platform {to!r}", hint="use --to eas or --to modelarts"
        )
    source = loaded.platform
    if source not in TARGETS:
        raise ConversionError(
            f"{loaded.path}: cannot tell whether this is an EAS or a ModelArts spec",
            hint="pass --from eas or --from modelarts",
        )
    if source == to:
        raise ConversionError(
            f"{loaded.path} is already {_PLATFORM_TITLE[to]}", hint=f"convert it --to {_other(to)}"
        )
    if not isinstance(loaded.data, dict):
        raise ConversionError(
            f"{loaded.path}: the document is not a JSON object; nothing to convert"
        )
    _check_overrides(overrides, to)
    record = ConversionRecord(source=loaded.data, target_platform=to)
    target: dict[str, Any] = {}
    if to == "eas":
        _to_eas(loaded.data, overrides, record, target)
        _start_command(overrides, start, record, target)
    else:
        _to_modelarts(loaded.data, overrides, record, target)
    explained = NO_COUNTERPART[to]
    for pointer in unconsumed(loaded.data, record.consumed, explained):
        counterpart = explained.get(wildcard(pointer))
        if counterpart is None:
            record.no_counterpart(pointer)
        else:
            record.no_counterpart(pointer, counterpart.why, counterpart.suggestion)
    output = ordered(target)
    if not any(d.severity is Severity.ERROR for d in record.diagnostics):
        _refuse_what_validate_rejects(output, to, record)
    located = [_locate(loaded, d) for d in record.diagnostics]
    return ConversionResult(output, sorted(located, key=sort_key), source, to)


def _to_eas(
    data: dict[str, Any], overrides: Overrides, record: ConversionRecord, target: dict[str, Any]
) -> None:
    record.port = _eas_port(data, overrides, record)
    _apply_pairs(data, record, target, to_eas=True)
    if data.get("model_type") == IMAGE:
        record.consume("/model_type")  # EAS custom-image services are what Image models are
    if str(data.get("protocol", "http")).lower() == "http":
        record.consume("/protocol")
    else:
        record.not_expressible(
            "/protocol",
            f"protocol {data['protocol']!r}: the EAS gateway talks plain HTTP to the container "
            "(reference/modelarts.md §7, unverified for HTTPS images)",
            suggestion="make the image serve plain HTTP on its port",
        )
        record.consume("/protocol")
    if record.port is not None:
        jp.put(target, "/containers/0/port", record.port)
    container_fields = {
        "/containers/0/image": overrides.image,
        "/containers/0/command": overrides.command,
        "/containers/0/script": overrides.script,
    }
    for pointer, value in container_fields.items():
        if value is not None:
            jp.put(target, pointer, value)
    if overrides.env:
        jp.put(target, "/containers/0/env", [{"name": k, "value": v} for k, v in overrides.env])
    _check_image(jp.resolve(target, "/containers/0/image"), "/swr_location", record, "eas")
    jp.put(target, "/metadata/name", overrides.name or _default_name(data, record))
    jp.put(target, "/metadata/instance", overrides.instance or _default_instance(record))
    if overrides.cpu is not None:
        jp.put(target, "/metadata/cpu", overrides.cpu)
    if overrides.memory is not None:
        jp.put(target, "/metadata/memory", overrides.memory)


def _start_command(
    overrides: Overrides, start: StartCommand | None, record: ConversionRecord, target: Any
) -> None:
    """EAS needs the start command ModelArts took from the image (seeds/004: `command` or
    `script`): the one the user gave, else the CMD/ENTRYPOINT of the Dockerfile beside the
    input, else nothing can be written."""
    if overrides.command is not None or overrides.script is not None:
        return  # put by `_to_eas`
    if start is None or not start.argv:
        where = f"; {start.dockerfile} sets no CMD or ENTRYPOINT" if start is not None else ""
        record.add(
            losses.NEEDED_BUT_MISSING(
                "",
                "EAS needs containers[0].command or containers[0].script; config.json has no "
                f"start command (ModelArts runs the image's own){where}",
                suggestion="pass --command 'python app.py' or --script 'sh /home/run.sh'",
            )
        )
        return
    # A shell-form CMD, or words a shell must quote, go to `script` (run by a shell);
    # anything else is one plain command.
    line = start.as_shell_line()
    key = "script" if start.script is not None or line != " ".join(start.argv) else "command"
    jp.put(target, f"/containers/0/{key}", line)
    at = f"{start.dockerfile}:{start.line}" if start.line else str(start.dockerfile)
    record.add(
        losses.START_FROM_DOCKERFILE(
            "",
            f"containers[0].{key} was taken from the start command of {at}, which runs "
            f"`{start.argv[0]}`: ModelArts runs the image's own start command, EAS needs it "
            "in the spec",
            suggestion="check it, or pass --command or --script to state another",
        )
    )


def _refuse_what_validate_rejects(
    output: dict[str, Any], to: str, record: ConversionRecord
) -> None:
    """Every error ``deploykit validate`` would report on ``output`` blocks the conversion:
    a converted spec is never one validate rejects."""
    from deploykit.loading import load_text
    from deploykit.validation import validate

    name = f"converted.{to}.json"
    report = validate(load_text(json.dumps(output, indent=2), name, platform=to))
    for diagnostic in report.diagnostics:
        if diagnostic.severity is Severity.ERROR:
            record.add(
                losses.OUTPUT_REJECTED(
                    "",
                    f"the converted spec would fail `deploykit validate` ({diagnostic.rule}): "
                    f"{diagnostic.message}",
                    suggestion=diagnostic.suggestion,
                )
            )


def _to_modelarts(
    data: dict[str, Any], overrides: Overrides, record: ConversionRecord, target: dict[str, Any]
) -> None:
    port = jp.resolve(data, "/containers/0/port")
    record.port = port if _is_port(port) else None
    record.consume("/containers/0/port")
    if port is not None and record.port is None:
        record.not_expressible(
            "/containers/0/port", "containers[0].port is not a port number; dropped"
        )
    jp.put(target, "/model_algorithm", overrides.model_algorithm or DEFAULT_MODEL_ALGORITHM)
    if overrides.model_algorithm is None:
        record.add(
            losses.DEFAULT_CHOSEN(
                "",
                f"ModelArts needs model_algorithm; wrote {DEFAULT_MODEL_ALGORITHM!r}",
                suggestion="pass --model-algorithm, e.g. image_classification or predict_analysis",
            )
        )
    jp.put(target, "/model_type", IMAGE)
    _apply_pairs(data, record, target, to_eas=False)
    if overrides.image is not None:
        jp.put(target, "/swr_location", overrides.image)  # after the pairs: the option wins
    _check_image(target.get("swr_location"), "/containers/0/image", record, "modelarts")
    port = overrides.port if overrides.port is not None else record.port
    if port is not None:
        jp.put(target, "/port", port)
    _state_modelarts_expectations(port, target, record)
    if "dependencies" in target:
        record.add(
            losses.IMAGE_MODEL_DEPENDENCIES(
                "/containers/0/prepare/pythonRequirements",
                "ModelArts does not install dependencies for custom-image (Image) models; the "
                "packages are listed in config.json but will not be installed at start",
                suggestion="install them in the image (RUN pip install ... in the Dockerfile)",
            )
        )
    jp.put(target, "/apis", [DEFAULT_API])
    record.add(
        losses.DEFAULT_CHOSEN(
            "",
            "ModelArts needs an API entry; wrote POST / with JSON request and response",
            suggestion="edit apis[0] to the path and schema your image serves",
        )
    )


def _apply_pairs(
    data: dict[str, Any], record: ConversionRecord, target: dict[str, Any], *, to_eas: bool
) -> None:
    for pair in FIELD_PAIRS:
        source, destination = (pair.modelarts, pair.eas) if to_eas else (pair.eas, pair.modelarts)
        value = jp.resolve(data, source, _ABSENT)
        if value is _ABSENT:
            continue
        record.consume(source)
        converted = (pair.to_eas if to_eas else pair.to_modelarts)(value, source, record)
        if converted is not None:
            jp.put(target, destination, converted)


def _eas_port(data: dict[str, Any], overrides: Overrides, record: ConversionRecord) -> int | None:
    """The one documented conflict: ModelArts images listen on 8080, which EAS reserves."""
    at = "/port" if "port" in data else ""
    record.consume("/port")
    if overrides.port is not None:
        record.add(
            losses.PORT_OVERRIDDEN(
                at,
                f"containers[0].port is {overrides.port} (--port): the image must listen on "
                f"{overrides.port}, not on ModelArts' {facts.MODELARTS_IMAGE_PORT}",
                suggestion=f"make the server bind 0.0.0.0:{overrides.port} and rebuild the image",
            )
        )
        return overrides.port
    port = data.get("port", facts.MODELARTS_IMAGE_PORT)
    if _is_port(port) and port not in facts.EAS_RESERVED_PORTS:
        return int(port)
    if not _is_port(port):
        record.not_expressible(at, "port is not a port number; dropped")
        return None
    record.add(
        losses.RESERVED_PORT_CONFLICT(
            at,
            f"the ModelArts image listens on {port}"
            + ("" if at else " (ModelArts' custom-image port)")
            + ", which EAS reserves for its engine (8080 and 9090); no EAS spec can use it",
            suggestion="make the image listen on another port, e.g. 8000, and pass --port 8000",
        )
    )
    return None


def _state_modelarts_expectations(
    port: int | None, target: dict[str, Any], record: ConversionRecord
) -> None:
    at = "/containers/0/port" if record.port is not None else ""
    if port != facts.MODELARTS_IMAGE_PORT:
        record.add(
            losses.MODELARTS_EXPECTATIONS(
                at,
                f"ModelArts custom images listen on {facts.MODELARTS_IMAGE_PORT} "
                "(older regions require it); "
                + (
                    f"config.json declares port {port}, which newer ModelArts accepts"
                    if port is not None
                    else "the EAS spec names no port, so ModelArts will use 8080"
                ),
                suggestion="if your region requires 8080, make the image listen on 8080 "
                "(--port 8080)",
            )
        )
    if not any(key in target for key in ("health", "readiness_health", "startup_health")):
        record.add(
            losses.MODELARTS_EXPECTATIONS(
                "",
                "no health check was carried over; ModelArts custom images should answer "
                "GET /health "
                'with HTTP 200 {"health": "true"} (needed for rolling upgrades)',
                suggestion="serve GET /health in the image and add a health_check to the EAS spec",
            )
        )


def _check_image(image: Any, at: str, record: ConversionRecord, to: str) -> None:
    if not isinstance(image, str):
        if to == "eas":
            record.add(
                losses.NEEDED_BUT_MISSING(
                    "",
                    "EAS needs containers[0].image; config.json names no image (the model was "
                    "imported from a container image, or uses a built-in engine)",
                    suggestion="push the image to ACR and pass "
                    "--image registry-vpc.<region>.aliyuncs.com/<ns>/<name>:<tag>",
                )
            )
        return
    foreign, home = (_SWR, "Alibaba ACR (a VPC address)") if to == "eas" else (_ACR, "Huawei SWR")
    if foreign.search(image):
        record.add(
            losses.IMAGE_REGISTRY(
                at if jp.resolve(record.source, at) == image else "",
                f"the image is in the other cloud's registry; "
                f"{_PLATFORM_TITLE[to]} pulls from {home}",
                suggestion="push the image there and pass --image with its new address",
            )
        )


def _default_name(data: dict[str, Any], record: ConversionRecord) -> str:
    basis = data.get("model_algorithm") if isinstance(data.get("model_algorithm"), str) else ""
    name = _NOT_IN_EAS_NAME.sub("_", str(basis).lower()).strip("_")[:63] or "converted_service"
    if not name[0].isalpha():
        name = f"svc_{name}"[:63]
    record.add(
        losses.DEFAULT_CHOSEN(
            "", f"EAS needs metadata.name; wrote {name!r}", suggestion="pass --name my_service"
        )
    )
    return name


def _default_instance(record: ConversionRecord) -> int:
    record.add(
        losses.DEFAULT_CHOSEN(
            "",
            f"EAS needs metadata.instance; wrote {DEFAULT_INSTANCE}",
            suggestion="pass --instance N",
        )
    )
    return DEFAULT_INSTANCE


def _check_overrides(overrides: Overrides, to: str) -> None:
    for item in fields(overrides):
        value = getattr(overrides, item.name)
        if value not in (None, ()) and to not in OVERRIDE_TARGETS[item.name]:
            option = "--" + item.name.replace("_", "-")
            raise ConversionError(
                f"{option} does not apply when converting to {to}", hint=f"drop {option}"
            )
    if to == "eas" and overrides.port in facts.EAS_RESERVED_PORTS:
        raise ConversionError(
            f"--port {overrides.port} is reserved by the EAS engine (8080 and 9090)",
            hint="make the image listen on another port, e.g. 8000, and pass --port 8000",
        )
    if overrides.port is not None and not _is_port(overrides.port):
        raise ConversionError(f"--port {overrides.port} is not a port (1-65535)")
    if overrides.command is not None and overrides.script is not None:
        raise ConversionError(
            "give --command or --script, not both", hint="use --script for a shell line"
        )


def _is_port(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 65535


def _locate(loaded: LoadedSpec, diagnostic: Diagnostic) -> Diagnostic:
    if diagnostic.pointer is None:
        return diagnostic
    position = loaded.source_map.locate(diagnostic.pointer, diagnostic.anchor)
    return diagnostic.located(*position) if position else diagnostic


def _other(platform: str) -> str:
    return "modelarts" if platform == "eas" else "eas"


_PLATFORM_TITLE = {"eas": "an EAS service spec", "modelarts": "a ModelArts config.json"}
_ABSENT = object()
