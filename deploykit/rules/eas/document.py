"""EAS service JSON checks: shape (EAS0xx) and every semantic rule, all findings at once.

``check(data)`` is what ``deploykit.validation`` calls for a file detected as EAS. The
semantic rules live in ``eas_containers`` (EAS1xx) and ``eas_service`` (EAS2xx); importing
this module declares them all, which is what ``deploykit rules`` relies on.
"""

from __future__ import annotations

from typing import Any

from deploykit import pointer as jp
from deploykit.diagnostics import Diagnostic, Severity
from deploykit.diagnostics.registry import rule
from deploykit.models.eas import REQUIRED, EasService
from deploykit.rules.eas.containers import check_containers
from deploykit.rules.eas.service import check_service
from deploykit.rules.placeholders import with_placeholder_findings
from deploykit.rules.shape import ShapeRules, check_shape, field_path, missing_key

# Legacy and undocumented keys seen in real, deployed configs (reference/eas.md §1.9):
# accepted, with a warning saying where they come from. owner pointer -> {key: origin}.
LEGACY_KEYS = {
    "": {
        "generate_token": "EasyRec docs; eascmd desc output",
        "baseimage": "EasyRec rtp_fg docs",
        "data_image": "model-registry docs",
        "meta": "Terraform stable-diffusion module",
        "options": "Terraform module; TorchEasyRec export docs",
        "source": "PAI SDK test data",
        "eas": "one aiops skill file; documented: metadata.eas.termination_grace_period",
    },
    "/metadata": {
        "region": "eascmd desc output; EasyRec docs",
        "eas.enabled_model_verification": "EasyRec docs",
        "disk": "TorchEasyRec docs; aiops skill",
        "release": "old PAI SDK schema",
        "group": "old PAI SDK schema",
        "traffic_state": "old PAI SDK schema",
        "role": "old PAI SDK schema",
        "worker_count": "old PAI SDK schema",
        "resource_id": "old PAI SDK schema",
        "gateway": "a third-party script",
        "quota_id": "aiops skill",
        "rpc.enable_jemalloc": "TorchEasyRec docs",
    },
    "/metadata/rpc": {
        "enable_jemalloc": "TorchEasyRec docs",
        "proxy_path": "set by the PAI SDK",
    },
}
# Booleans that real configs write as "true"/"false" (Terraform module, reference/eas.md
# §6.7): accepted by the model; this rule names the fix.
STRING_BOOLEANS = (("/metadata", "enable_webservice"),)

# EAS may accept keys we do not know (undocumented keys appear in real configs, reference/
# eas.md §1.9), so an unknown key is a warning, never an error.
UNKNOWN_KEY = rule(
    "EAS001", Severity.WARNING, "eas", "unknown key (with \"did you mean\" when one is close)",
    source="reference/eas.md §1.1-§1.9",
)
WRONG_TYPE = rule(
    "EAS002", Severity.ERROR, "eas", "value has the wrong JSON type (e.g. port \"8000\")",
    source="reference/eas.md §1; alibabacloud-go/eas-20210701 request models",
)
MISSING = rule(
    "EAS003", Severity.ERROR, "eas", "a required key is missing",
    source="reference/eas.md §1.1, §1.2 (Required: Yes)",
)
INVALID_VALUE = rule(
    "EAS004", Severity.ERROR, "eas", "value is not one the platform accepts",
    source="reference/eas.md §1",
)
LEGACY_KEY = rule(
    "EAS005", Severity.WARNING, "eas",
    "key not in the current EAS documentation (legacy or undocumented), accepted",
    source="reference/eas.md §1.9",
)
STRING_BOOLEAN = rule(
    "EAS006", Severity.WARNING, "eas", "boolean written as a string (\"true\")",
    source="reference/eas.md §1.2 (bool); §6.7 (Terraform module writes \"true\")",
)
DOTTED_AND_NESTED = rule(
    "EAS007", Severity.WARNING, "eas",
    "metadata sets an rpc key both dotted (\"rpc.keepalive\") and nested (rpc.keepalive)",
    source="reference/eas.md §1.10 (how EAS reconciles the two forms is undocumented)",
)
# Top-level `name` is the older documented form (an older revision of the official page,
# and seeds/004's examples): worth a note, not a warning.
OLD_STYLE_NAME = rule(
    "EAS008", Severity.INFO, "eas",
    "top-level `name` is the older documented form of `metadata.name`",
    source="reference/eas.md §1.1 (an older revision of the official page), §1.10",
)
SHAPE = ShapeRules(UNKNOWN_KEY, WRONG_TYPE, MISSING, INVALID_VALUE)


def check(data: Any) -> list[Diagnostic]:
    """Every finding about one EAS service document: shape first, then meaning."""
    service, diagnostics = check_shape(EasService, data, SHAPE)
    if service is not None and isinstance(data, dict):
        _check_meaning(service, data, diagnostics)
    return with_placeholder_findings(data, diagnostics)


def _check_meaning(
    service: EasService, data: dict[str, Any], diagnostics: list[Diagnostic]
) -> None:
    owners = _owners(data)
    diagnostics.extend(_required(owners))
    diagnostics.extend(_legacy(owners))
    diagnostics.extend(_key_forms(owners))
    diagnostics.extend(check_containers(service, data))
    diagnostics.extend(check_service(service, data))


def _owners(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The objects the key tables above name, by pointer (those present in the input)."""
    owners = {"": data}
    metadata = data.get("metadata")
    if isinstance(metadata, dict):
        owners["/metadata"] = metadata
        rpc = metadata.get("rpc")
        if isinstance(rpc, dict):
            owners["/metadata/rpc"] = rpc
    return owners


# The helpers below run on every file: they return lists (cheaper than generators) and build
# messages only for a finding.


def _required(owners: dict[str, dict[str, Any]]) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    for owner, key in REQUIRED:
        node = owners.get(owner)
        if node is not None and key not in node:
            found.append(missing_key(MISSING, owner, key))
    return found


def _legacy(owners: dict[str, dict[str, Any]]) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    if "name" in owners[""]:
        found.append(
            OLD_STYLE_NAME(
                "/name",
                "top-level `name` is the older form; current EAS docs use `metadata.name` "
                "(EAS accepts both)",
                suggestion="move it to metadata.name",
                anchor="key",
            )
        )
    for owner, node in owners.items():
        known = LEGACY_KEYS[owner]
        if known.keys().isdisjoint(node):
            continue  # the common case, decided without a Python loop over the keys
        for key in node:
            if key not in known:
                continue
            found.append(
                LEGACY_KEY(
                    jp.child(owner, key),
                    f"`{key}` in {field_path(owner) if owner else 'the service'} is not in the "
                    f"current EAS documentation (seen in {known[key]}); accepted, but deploykit "
                    "cannot check its effect",
                    suggestion="keep it only if your deployment relies on it",
                    anchor="key",
                )
            )
    return found


def _key_forms(owners: dict[str, dict[str, Any]]) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    for owner, key in STRING_BOOLEANS:
        node = owners.get(owner)
        value = node.get(key) if node is not None else None
        if isinstance(value, str):
            at = jp.child(owner, key)
            found.append(
                STRING_BOOLEAN(
                    at,
                    f'{field_path(at)} is the string "{value}"; EAS documents a boolean',
                    suggestion=f"write {value} without quotes",
                )
            )
    nested = owners.get("/metadata/rpc")
    if not nested:
        return found
    metadata = owners["/metadata"]  # an rpc owner is always inside metadata (`_owners`)
    for key in nested:
        dotted = f"rpc.{key}"
        if dotted in metadata:
            at = jp.join("metadata", dotted)
            found.append(
                DOTTED_AND_NESTED(
                    at,
                    f"{field_path(at)} and metadata.rpc.{key} are both set; EAS does not "
                    "document which one wins",
                    suggestion=f"keep only metadata.rpc.{key}",
                    anchor="key",
                )
            )
    return found
