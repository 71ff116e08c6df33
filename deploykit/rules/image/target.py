"""Which platform a custom image is for, and what that platform will give it.

In order: ``validate --platform``; a ``# deploykit: platform=eas|modelarts`` comment in
the Dockerfile; a ModelArts ``config.json`` (``model_type``/``model_algorithm``) or an EAS
service spec (``containers``) next to the Dockerfile or archive (or in ``model/``, where a
ModelArts model package keeps config.json, reference/modelarts.md §1.1). Both kinds of spec
next to one image mean the image serves both platforms, and both are checked.

``usage=batch`` or ``usage=training`` in the comment are ModelArts notions and imply it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from deploykit import facts
from deploykit.diagnostics import Diagnostic
from deploykit.rules.image.findings import BAD_DIRECTIVE, USAGES

_SPEC_SUFFIXES = (".json", ".yaml", ".yml")
_SPEC_LIMIT = 1 << 20


@dataclass(frozen=True)
class PlatformTarget:
    """One platform the image is deployed to, with what its spec says about the container."""

    name: str  # "eas" | "modelarts"
    port: int | None  # where requests are sent; None: the spec does not say
    env: dict[str, str] = field(default_factory=dict)  # env the platform sets at run time
    source: str = ""  # where we learnt it, for messages


@dataclass
class ImageTarget:
    platforms: dict[str, PlatformTarget] = field(default_factory=dict)
    usage: str = "inference"
    findings: list[Diagnostic] = field(default_factory=list)

    def runtime_env(self, image_env: dict[str, str], platform: str) -> dict[str, str]:
        """The container's environment on ``platform``: the spec's env overrides the image's."""
        target = self.platforms.get(platform)
        return {**image_env, **(target.env if target else {})}


def detect_target(
    folder: Path,
    directives: dict[str, tuple[str, int]],
    platform: str | None = None,
) -> ImageTarget:
    target = ImageTarget()
    usage, usage_line = directives.get("usage", ("inference", 0))
    if usage in USAGES:
        target.usage = usage
    else:
        target.findings.append(BAD_DIRECTIVE(
            None, f"`# deploykit: usage={usage}` is not one of {', '.join(USAGES)}",
            suggestion="write usage=inference, usage=batch or usage=training", line=usage_line,
        ))
    named, named_line = directives.get("platform", ("", 0))
    if platform in {"eas", "modelarts"}:  # `validate --platform` wins; "auto"/"image" do not
        named = platform
    elif named and named not in {"eas", "modelarts"}:
        target.findings.append(BAD_DIRECTIVE(
            None, f"`# deploykit: platform={named}` is not eas or modelarts",
            suggestion="write platform=eas or platform=modelarts", line=named_line,
        ))
        named = ""
    found = _neighbour_specs(folder)
    if named:
        target.platforms[named] = found.get(named) or _default(named)
    else:
        target.platforms.update(found)
    if not target.platforms and target.usage != "inference":
        target.platforms["modelarts"] = _default("modelarts")
    return target


def _default(platform: str) -> PlatformTarget:
    if platform == "modelarts":
        return PlatformTarget(
            "modelarts", facts.MODELARTS_IMAGE_PORT, source="the ModelArts default"
        )
    return PlatformTarget("eas", None, source="the EAS default")


def _neighbour_specs(folder: Path) -> dict[str, PlatformTarget]:
    found: dict[str, PlatformTarget] = {}
    model_package = folder / facts.MODELARTS_MODEL_DIR
    for candidate in sorted([*_specs_in(folder), *_specs_in(model_package)]):
        data = _load(candidate)
        if not isinstance(data, dict):
            continue
        if "modelarts" not in found and ("model_type" in data or "model_algorithm" in data):
            port = data.get("port")
            # When config.json states another `port`, that port is expected instead.
            found["modelarts"] = PlatformTarget(
                "modelarts", _port(port) or facts.MODELARTS_IMAGE_PORT, source=candidate.name
            )
        elif "eas" not in found and isinstance(data.get("containers"), list):
            found["eas"] = _eas_target(data["containers"], candidate.name)
    return found


def _eas_target(containers: list[Any], source: str) -> PlatformTarget:
    # The serving container is the one with a port (seeds/004); else the first.
    chosen = next((c for c in containers if isinstance(c, dict) and "port" in c),
                  containers[0] if containers else {})
    chosen = chosen if isinstance(chosen, dict) else {}
    env = {
        str(item.get("name")): str(item.get("value", ""))
        for item in chosen.get("env") or []
        if isinstance(item, dict) and item.get("name")
    }
    return PlatformTarget("eas", _port(chosen.get("port")), env, source)


def _specs_in(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return [p for p in folder.iterdir() if p.suffix.lower() in _SPEC_SUFFIXES and p.is_file()]


def _load(path: Path) -> Any:
    import yaml  # only when a YAML spec sits next to the image

    try:
        if path.stat().st_size > _SPEC_LIMIT:
            return None
        text = path.read_text(encoding="utf-8")
        return json.loads(text) if path.suffix.lower() == ".json" else yaml.safe_load(text)
    except (OSError, UnicodeDecodeError, ValueError, yaml.YAMLError):
        return None  # not ours to report: `validate` checks that file on its own


def _port(value: Any) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return None
