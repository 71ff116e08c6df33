"""Which platform a spec is for, from its top-level keys (PRODUCT.md: platform detection).

Marker keys are data: adding one is one line. A file is claimed by a platform when it has one
of that platform's *defining* keys; the legacy EAS keys claim a file only when no platform's
defining key is present, so a ModelArts ``config.json`` is never taken for EAS.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

# PRODUCT.md: `containers`/`metadata` → EAS; `model_type`/`model_algorithm` → ModelArts.
# reference/eas.md §1.1: `metadata` is the one required EAS key; reference/modelarts.md §1.2:
# `model_algorithm` and `model_type` are the required config.json keys.
DEFINING_KEYS: Mapping[str, frozenset[str]] = {
    "eas": frozenset({"containers", "metadata"}),
    "modelarts": frozenset({"model_type", "model_algorithm"}),
}

# Processor-style EAS services with no `containers` (reference/eas.md §1.1 processor keys;
# §6 EasyRec pmml.json, PAI-EAS-Tutorial app.json, terraform pai_service). Top-level `name`
# (old-style EAS, §1.1) is deliberately not a marker: it is too common elsewhere
# (package.json, ...) to claim a file, and every real legacy config in §6 has one of these
# keys (or `metadata`) next to it.
LEGACY_EAS_KEYS = frozenset(
    {
        "processor",
        "processor_path",
        "processor_entry",
        "processor_mainclass",
        "processor_type",
        "model_path",
        "model_entry",
        "oss_endpoint",
        "warm_up_data_path",
    }
)


def detect_platform(data: Any) -> str:
    """``"eas"``, ``"modelarts"`` or ``"unknown"`` for a parsed spec."""
    # dict first: parsed JSON and YAML are dicts, and an ABC check costs more (every file).
    if not isinstance(data, dict) and not isinstance(data, Mapping):
        return "unknown"
    keys = set(data)
    claims = [platform for platform, defining in DEFINING_KEYS.items() if defining & keys]
    if len(claims) == 1:
        return claims[0]
    if claims:  # both: the platform with more of its defining keys present, if one has more
        counts = sorted((len(DEFINING_KEYS[p] & keys), p) for p in claims)
        return counts[-1][1] if counts[-1][0] > counts[-2][0] else "unknown"
    if LEGACY_EAS_KEYS & keys:
        return "eas"
    return "unknown"
