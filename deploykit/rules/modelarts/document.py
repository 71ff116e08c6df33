"""ModelArts `config.json`: the shape check and every semantic rule, all findings at once.

`deploykit.validation` calls :func:`check` for files of platform "modelarts". The shape comes
from :class:`deploykit.models.modelarts.ModelArtsConfig`; the rules here cover the top-level
fields (algorithm, engine, runtime, port, protocol), and the rules of `apis[]`,
`dependencies[]` and the health probes live in their own modules, imported below so that
`deploykit rules` lists them all.

Leniency is deliberate: the official examples contain mistakes (reference §1.10) and the
documented enums differ between versions (§1.7–1.8), so those findings are warnings that
name the fix. Users copy the examples; they must not get errors for doing so.
"""

from __future__ import annotations

from typing import Any

from deploykit import facts
from deploykit.diagnostics import Diagnostic, Severity
from deploykit.diagnostics.registry import rule
from deploykit.models.modelarts import (
    ALGORITHM_MAX_LENGTH,
    CHINESE,
    FORBIDDEN_CHARACTERS,
    REQUIRED,
    ModelArtsConfig,
)
from deploykit.models.modelarts_engines import (
    ENGINES,
    ENGINES_BY_NAME,
    IMAGE,
    RUNTIMES_2021,
    is_current,
    is_known_runtime,
    known_runtimes,
)
from deploykit.rules.modelarts.apis import check_apis, explained_keys
from deploykit.rules.modelarts.dependencies import check_dependencies
from deploykit.rules.modelarts.health import check_health
from deploykit.rules.placeholders import with_placeholder_findings
from deploykit.rules.shape import (
    ShapeRules,
    check_shape,
    closest,
    field_path,
    missing_keys,
    suggestion_for,
)

# reference §1.2, §1.4: http or https (console default HTTPS).
PROTOCOLS = ("http", "https")

SHAPE = ShapeRules(
    unknown_key=rule(
        "MA001", Severity.WARNING, "modelarts",
        "unknown key in config.json (did you mean ...?); the official examples contain some",
        source="reference/modelarts.md §1.2 GUESS, §1.10 (`procotol` in official examples)",
    ),
    wrong_type=rule(
        "MA002", Severity.ERROR, "modelarts",
        "config.json value has the wrong JSON type",
        source="reference/modelarts.md §1.2–1.6 (OTC-CFG tables)",
    ),
    missing=rule(
        "MA003", Severity.ERROR, "modelarts",
        "config.json is missing a required key",
        source="reference/modelarts.md §1.2–1.6 (OTC-CFG tables)",
    ),
    invalid_value=rule(
        "MA004", Severity.ERROR, "modelarts",
        "config.json value is outside what the platform accepts",
        source="reference/modelarts.md §1.2–1.6 (OTC-CFG tables)",
    ),
)

ALGORITHM = rule(
    "MA101", Severity.ERROR, "modelarts",
    "model_algorithm is required: starts with a letter, at most 36 characters, none of "
    "&!'\"<>= or Chinese (a warning when missing on an Image model)",
    source="reference/modelarts.md §1.2 (OTC-CFG, HW-CFG, CN21-CFG; TF Image example omits it)",
)
ENGINE = rule(
    "MA102", Severity.WARNING, "modelarts",
    "model_type is not an engine a current documentation version lists (did you mean ...?)",
    source="reference/modelarts.md §1.7",
)
RUNTIME = rule(
    "MA103", Severity.WARNING, "modelarts",
    "runtime is not documented for this model_type, or is set on an Image model",
    source="reference/modelarts.md §1.2, §1.8",
)
PORT = rule(
    "MA104", Severity.WARNING, "modelarts",
    "a custom image serves on port 8080; another port must match what the image listens on",
    source="seeds/002, seeds/003; reference/modelarts.md §1.2, §2.1",
)
PROTOCOL = rule(
    "MA105", Severity.WARNING, "modelarts",
    "protocol is http or https",
    source="reference/modelarts.md §1.2, §1.4 (CN21-CFG; console default HTTPS)",
)
SWR_LOCATION = rule(
    "MA106", Severity.WARNING, "modelarts",
    "swr_location is used only by Image models",
    source="reference/modelarts.md §1.2 (OTC-CFG, CN21-CFG)",
)


def check(data: Any) -> list[Diagnostic]:
    """Every shape and semantic finding about one parsed config.json: the rules read the
    typed model, built from the input minus the values that failed their shape check."""
    config, found = check_shape(ModelArtsConfig, data, SHAPE)
    if config is not None and isinstance(data, dict):
        apis = check_apis(config, data)
        # A key a rule explains (a response nested in the request) is not also "unknown".
        explained = explained_keys(apis)
        found = [d for d in found if d.pointer not in explained]
        found.extend(missing_keys(data, REQUIRED, SHAPE.missing))
        found.extend(_algorithm(config, data))
        found.extend(_engine_and_runtime(config))
        found.extend(_port_and_protocols(config))
        found.extend(apis)
        found.extend(check_dependencies(config))
        found.extend(check_health(config, data))
    return with_placeholder_findings(data, found)


def _algorithm(config: ModelArtsConfig, data: dict[str, Any]) -> list[Diagnostic]:
    if "model_algorithm" not in data:
        # The TF provider's Image example (reference §1.9) omits it and is a published,
        # evidently working config; every spec table says "Yes". Warn there, error elsewhere.
        return [
            ALGORITHM(
                "",
                "config.json has no `model_algorithm`, which every version of the "
                "specification requires",
                suggestion='add e.g. "model_algorithm": "image_classification"',
                severity=Severity.WARNING if config.is_image else None,
                anchor="key",
            )
        ]
    value = config.model_algorithm
    if value is None:
        return []  # not a string: the shape check said so
    problems = []
    if not value[:1].isascii() or not value[:1].isalpha():
        problems.append("must start with a letter")
    if len(value) > ALGORITHM_MAX_LENGTH:
        problems.append(f"is {len(value)} characters long (at most {ALGORITHM_MAX_LENGTH})")
    bad = sorted({c for c in value if c in FORBIDDEN_CHARACTERS} | set(CHINESE.findall(value)))
    if bad:
        problems.append(f"contains {''.join(bad)!r}")
    if not problems:
        return []
    return [
        ALGORITHM(
            "/model_algorithm",
            f"model_algorithm {value!r} " + " and ".join(problems),
            suggestion="use a name such as image_classification, object_detection or "
            "predict_analysis",
        )
    ]


def _engine_and_runtime(config: ModelArtsConfig) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    engine = config.model_type
    names = [e.name for e in ENGINES]
    if engine is not None and engine not in names:
        found.append(
            ENGINE(
                "/model_type",
                f"model_type {engine!r} is not an engine listed in any ModelArts documentation "
                "version deploykit knows; the import fails if your region does not offer it",
                suggestion=suggestion_for(engine, names, "engines"),
            )
        )
    elif engine is not None and not is_current(engine):
        sources = ", ".join(ENGINES_BY_NAME[engine].sources)
        found.append(
            ENGINE(
                "/model_type",
                f"model_type {engine!r} is listed only in old documentation ({sources}); "
                "current ModelArts documentation does not offer it",
                suggestion="choose a current engine, or Image with your own container",
            )
        )
    runtime = config.runtime
    if runtime is None or engine is None:
        return found
    # A misspelled engine (`Tensorflow`) still tells which runtime table the user meant.
    engine = engine if engine in names else closest(engine, names) or engine
    if engine == IMAGE:
        found.append(
            RUNTIME(
                "/runtime",
                "runtime is ignored for a custom-image (Image) model: the image is the runtime",
                suggestion="remove `runtime`",
            )
        )
    elif engine in names and not is_known_runtime(engine, runtime):
        documented = known_runtimes(engine)
        found.append(
            RUNTIME(
                "/runtime",
                f"runtime {runtime!r} is not in the {RUNTIMES_2021} for {engine} and not "
                "a unified name like tensorflow_2.1.0-cuda_10.1-py_3.7-ubuntu_18.04-x86_64; "
                "check GET /v1/{project_id}/models/ai-engine-runtimes for your region",
                suggestion=suggestion_for(runtime, documented, f"{engine} runtimes")
                if documented
                else "use the runtime name your region lists",
            )
        )
    return found


def _port_and_protocols(config: ModelArtsConfig) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    port = config.port
    if config.is_image and port is not None and port != facts.MODELARTS_IMAGE_PORT:
        found.append(
            PORT(
                "/port",
                f"port {port}: the custom-image specification says the image serves on "
                f"{facts.MODELARTS_IMAGE_PORT}, and a port the image does not listen on leaves "
                "the service deploying for ever",
                suggestion=f"listen on {facts.MODELARTS_IMAGE_PORT} and set \"port\": "
                f"{facts.MODELARTS_IMAGE_PORT}, or make sure the image listens on {port}",
            )
        )
    places = [("/protocol", config.protocol)]
    places += [(f"/apis/{i}/protocol", api.protocol) for i, api in enumerate(config.apis or ())]
    for pointer, protocol in places:
        if protocol is not None and protocol.casefold() not in PROTOCOLS:
            found.append(
                PROTOCOL(
                    pointer,
                    f"{field_path(pointer)} is {protocol!r}; ModelArts serves http or https",
                    suggestion=suggestion_for(protocol, PROTOCOLS, "protocols"),
                )
            )
    if config.swr_location is not None and config.model_type is not None and not config.is_image:
        found.append(
            SWR_LOCATION(
                "/swr_location",
                "swr_location is used only when model_type is Image; this model runs on a "
                "preset engine, so the image is ignored",
                suggestion='remove swr_location, or set "model_type": "Image"',
                anchor="key",
            )
        )
    return found
