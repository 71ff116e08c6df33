"""EAS service JSON checks: shape (EAS0xx) and every semantic rule, all findings at once.

``check(data)`` is what ``deploykit.validate`` calls for a file detected as EAS. The
semantic rules live in ``eas_containers`` (EAS1xx) and ``eas_service`` (EAS2xx); importing
this module declares them all, which is what ``deploykit rules`` relies on.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from deploykit import pointer as jp
from deploykit.diagnostics import Diagnostic, Severity
from deploykit.models.eas import REQUIRED, EasService, Rpc
from deploykit.rules.eas_containers import check_containers
from deploykit.rules.eas_service import check_service
from deploykit.rules.registry import rule
from deploykit.rules.shape import ShapeRules, check_shape, field_path

# Legacy and undocumented keys seen in real, deployed configs (reference/eas.md §1.9):
# accepted, with a warning saying where they come from. (owner pointer, key) -> origin.
LEGACY_KEYS = {
    ("", "generate_token"): "EasyRec docs; eascmd desc output",
    ("", "baseimage"): "EasyRec rtp_fg docs",
    ("", "data_image"): "model-registry docs",
    ("", "meta"): "Terraform stable-diffusion module",
    ("", "options"): "Terraform module; TorchEasyRec export docs",
    ("", "source"): "PAI SDK test data",
    ("", "eas"): "one aiops skill file; documented: metadata.eas.termination_grace_period",
    ("/metadata", "region"): "eascmd desc output; EasyRec docs",
    ("/metadata", "eas.enabled_model_verification"): "EasyRec docs",
    ("/metadata", "disk"): "TorchEasyRec docs; aiops skill",
    ("/metadata", "release"): "old PAI SDK schema",
    ("/metadata", "group"): "old PAI SDK schema",
    ("/metadata", "traffic_state"): "old PAI SDK schema",
    ("/metadata", "role"): "old PAI SDK schema",
    ("/metadata", "worker_count"): "old PAI SDK schema",
    ("/metadata", "resource_id"): "old PAI SDK schema",
    ("/metadata", "gateway"): "a third-party script",
    ("/metadata", "quota_id"): "aiops skill",
    ("/metadata", "rpc.enable_jemalloc"): "TorchEasyRec docs",
    ("/metadata/rpc", "enable_jemalloc"): "TorchEasyRec docs",
    ("/metadata/rpc", "proxy_path"): "set by the PAI SDK",
}
# Top-level `name` is the older documented form (an older revision of the official page,
# and seeds/004's examples): worth a note, not a warning (reference/eas.md §1.1, §1.10).
OLD_STYLE_NAME = ("", "name")
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
    "legacy or undocumented key, accepted (top-level `name` is info)",
    source="reference/eas.md §1.9, §1.10",
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
SHAPE = ShapeRules(UNKNOWN_KEY, WRONG_TYPE, MISSING, INVALID_VALUE)


def check(data: Any) -> list[Diagnostic]:
    """Every finding about one EAS service document: shape first, then meaning."""
    service, diagnostics = check_shape(EasService, data, SHAPE)
    if service is None or not isinstance(data, dict):
        return diagnostics
    diagnostics.extend(_required(data))
    diagnostics.extend(_legacy(data))
    diagnostics.extend(_key_forms(data))
    diagnostics.extend(check_containers(service))
    diagnostics.extend(check_service(service))
    return diagnostics


def _required(data: dict[str, Any]) -> Iterator[Diagnostic]:
    for owner, key in REQUIRED:
        node = jp.resolve(data, owner)
        if isinstance(node, dict) and key not in node:
            yield MISSING(
                owner,
                f"{field_path(owner)} is missing the required key `{key}`",
                suggestion=f"add `{key}` to {field_path(owner)}",
            )


def _legacy(data: dict[str, Any]) -> Iterator[Diagnostic]:
    if "name" in data:
        yield LEGACY_KEY(
            "/name",
            "top-level `name` is the older form; current EAS docs use `metadata.name` "
            "(EAS accepts both)",
            suggestion="move it to metadata.name",
            anchor="key",
            severity=Severity.INFO,
        )
    for (owner, key), origin in LEGACY_KEYS.items():
        node = jp.resolve(data, owner)
        if isinstance(node, dict) and key in node:
            yield LEGACY_KEY(
                jp.child(owner, key),
                f"`{key}` in {field_path(owner) if owner else 'the service'} is not in the "
                "current EAS documentation "
                f"(seen in {origin}); accepted, but deploykit cannot check its effect",
                suggestion="keep it only if your deployment relies on it",
                anchor="key",
            )


def _key_forms(data: dict[str, Any]) -> Iterator[Diagnostic]:
    for owner, key in STRING_BOOLEANS:
        at = jp.child(owner, key)
        value = jp.resolve(data, at)
        if isinstance(value, str):
            yield STRING_BOOLEAN(
                at,
                f"{field_path(at)} is the string \"{value}\"; EAS documents a boolean",
                suggestion=f"write {value} without quotes",
            )
    metadata = data.get("metadata")
    if not isinstance(metadata, dict) or not isinstance(metadata.get("rpc"), dict):
        return
    nested = metadata["rpc"]
    for key in Rpc.model_fields:
        dotted = f"rpc.{key}"
        if key in nested and dotted in metadata:
            at = jp.join("metadata", dotted)
            yield DOTTED_AND_NESTED(
                at,
                f"{field_path(at)} and metadata.rpc.{key} are both set; EAS does not document "
                "which one wins",
                suggestion=f"keep only metadata.rpc.{key}",
                anchor="key",
            )
