"""eascmd's output, reproduced: ``[RequestId]``, key/value and column tables, ``[OK]`` lines.

Formats are reference/eas.md §2.3 (verbatim eascmd examples) and PRODUCT.md "create output".
Functions return text; the CLI prints it. The service token is ``****`` unless the user asked
for it, and ``ServiceConfig`` never shows a secret (``dockerAuth``), whatever was asked.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from deploykit.clients._http import REDACTED, redact_json
from deploykit.clients._wait import Progress

if TYPE_CHECKING:
    from deploykit.deploy.apply import Outcome
    from deploykit.deploy.changes import Change

# §2.3 "ls columns" (official), in order, and the Service field each one shows.
LS_COLUMNS: tuple[tuple[str, str], ...] = (
    ("SERVICENAME", "ServiceName"),
    ("REGION", "Region"),
    ("INSTANCE", "TotalInstance"),
    ("CREATETIME", "CreateTime"),
    ("UPDATETIME", "UpdateTime"),
    ("STATUS", "Status"),
    ("WEIGHT", "Weight"),
    ("SERVICEPATH", "ServicePath"),
)
# §2.3 "desc rows" (official), in order; rows the API does not return are left out.
DESC_ROWS = (
    "Status", "ServiceName", "Region", "CreateTime", "UpdateTime", "AccessToken",
    "TotalInstance", "RunningInstance", "PendingInstance", "Cpu", "Gpu", "Memory", "Image",
    "Weight", "LatestVersion", "CurrentVersion", "Message", "InternetEndpoint",
    "IntranetEndpoint",
)  # fmt: skip
# §2.3 desc shows CPU/GPU in capitals and Memory with an M suffix ("1000M").
_DESC_LABELS = {"Cpu": "CPU", "Gpu": "GPU"}
TOKEN_FIELD = "AccessToken"  # noqa: S105 - a field name


def request_id_line(request_id: str) -> str:
    return f"[RequestId]: {request_id}"


def ok(text: str) -> str:
    return f"[OK] {text}"


def progress_line(progress: Progress) -> str:
    """``[OK] Waiting [Total: 2, Pending: 2, Running: 0]`` (PRODUCT.md create output)."""
    return ok(
        f"{progress.status} [Total: {progress.total}, Pending: {progress.pending}, "
        f"Running: {progress.running}]"
    )


def key_value_table(rows: Sequence[tuple[str, str]]) -> str:
    """eascmd's two-column table: keys right-aligned, values left-aligned (§2.3 create)."""
    if not rows:
        return ""
    key_width = max(len(k) for k, _ in rows)
    lines_of = [(k, v.splitlines() or [""]) for k, v in rows]
    value_width = max(len(line) for _, lines in lines_of for line in lines)
    rule = f"+{'-' * (key_width + 2)}+{'-' * (value_width + 2)}+"
    out = [rule]
    for key, lines in lines_of:
        for i, line in enumerate(lines):
            label = key if i == 0 else ""
            out.append(f"| {label:>{key_width}} | {line:<{value_width}} |")
    out.append(rule)
    return "\n".join(out)


def column_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """eascmd's ``ls`` table: a header row and one row per service, all left-aligned."""
    widths = [max([len(h), *(len(r[i]) for r in rows)]) for i, h in enumerate(headers)]
    rule = "+" + "+".join("-" * (w + 2) for w in widths) + "+"

    def row(cells: Sequence[str]) -> str:
        return "| " + " | ".join(f"{c:<{w}}" for c, w in zip(cells, widths, strict=True)) + " |"

    return "\n".join([rule, row(headers), rule, *(row(r) for r in rows), rule])


def endpoint_rows(service: Mapping[str, Any], *, show_token: bool) -> list[tuple[str, str]]:
    """The create table (PRODUCT.md): Internet and Intranet endpoints, then the token."""
    rows = [
        (label, str(service[key]))
        for label, key in (("Internet Endpoint", "InternetEndpoint"),
                           ("Intranet Endpoint", "IntranetEndpoint"))
        if service.get(key)
    ]
    token = service.get(TOKEN_FIELD)
    if token:
        rows.append(("Token", str(token) if show_token else REDACTED))
    return rows


def ls_table(services: Sequence[Mapping[str, Any]]) -> str:
    rows = [[_cell(_ls_value(s, key)) for _, key in LS_COLUMNS] for s in services]
    return column_table([h for h, _ in LS_COLUMNS], rows)


def desc_table(service: Mapping[str, Any], *, show_token: bool) -> str:
    """§2.3 desc: the rows in eascmd's order, then ``ServiceConfig`` as pretty JSON."""
    rows: list[tuple[str, str]] = []
    for key in DESC_ROWS:
        if key not in service or service[key] in (None, ""):
            continue
        value = _cell(_ls_value(service, key))
        if key == TOKEN_FIELD and not show_token:
            value = REDACTED
        elif key == "Memory":
            value = f"{value}M"
        rows.append((_DESC_LABELS.get(key, key), value))
    config = service.get("ServiceConfig")
    if config:
        pretty = json.dumps(safe_config(config), indent=2, ensure_ascii=False)
        rows.append(("ServiceConfig", pretty))
    return key_value_table(rows)


def safe_config(config: Any) -> Any:
    """``ServiceConfig`` (a JSON string, §3.3) parsed, with every secret replaced."""
    if isinstance(config, str):
        try:
            config = json.loads(config)
        except ValueError:
            return REDACTED  # unreadable: do not risk showing a secret inside it
    return redact_json(config)


def service_document(service: Mapping[str, Any], *, show_token: bool) -> dict[str, Any]:
    """A service for ``--format json``: the API's fields, secrets removed, config parsed.

    PRODUCT.md: the token is printed in full where a user asks for it, and ``--format json``
    is such a place; ``dockerAuth`` never is.
    """
    keep = frozenset({TOKEN_FIELD}) if show_token else frozenset()
    document: dict[str, Any] = redact_json(
        {k: v for k, v in service.items() if k != "ServiceConfig"}, keep=keep
    )
    if "ServiceConfig" in service:
        document["ServiceConfig"] = safe_config(service["ServiceConfig"])
    return document


def outcome_line(outcome: Outcome) -> str:
    """One ``apply`` result: ``[OK] Service [x] created [RequestId: …]`` or ``[FAILED] …``."""
    if outcome.ok:
        rid = f" [RequestId: {outcome.request_id}]" if outcome.request_id else ""
        return ok(f"Service [{outcome.name}] {outcome.action}{rid}")
    return f"[FAILED] Service [{outcome.name}] {outcome.action}: {outcome.error or ''}"


# plan's marks, like Terraform's: + added, ~ changed, - removed, = kept (only in the live
# service).
_PLAN_MARKS = {"add": "+", "change": "~", "remove": "-", "keep": "="}
_PLAN_HEADS = {"create": "will be created", "update": "will be updated",
               "unchanged": "is up to date"}


def plan_lines(name: str, verdict: str, found: Sequence[Change]) -> list[str]:
    """``plan``'s text: a verdict, then one line per field (kept fields only for updates)."""
    lines = [f"Service [{name}] {_PLAN_HEADS[verdict]}"]
    for change in found:
        if change.kind == "change":
            detail = f"{_short(change.before)} -> {_short(change.after)}"
        elif change.kind == "add":
            detail = _short(change.after)
        elif change.kind == "remove":
            detail = f"{_short(change.before)} (removed: apply replaces the list it is in)"
        elif verdict == "create":
            continue
        else:
            detail = "(kept: only in the live service; apply merges, it does not remove)"
        lines.append(f"  {_PLAN_MARKS[change.kind]} {change.pointer or '/'}: {detail}")
    return lines


def _short(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 80 else text[:77] + "..."


def _ls_value(service: Mapping[str, Any], key: str) -> Any:
    if key == "ServicePath":
        # §2.3 ls example: /api/predict/<name>, the path of the invocation endpoint (§3.7).
        return f"/api/predict/{service.get('ServiceName', '')}"
    if key in ("CreateTime", "UpdateTime"):
        # §2.3 shows "2019-02-21 16:35:41"; the API gives RFC 3339 (§3.3).
        return str(service.get(key) or "").replace("T", " ").rstrip("Z")
    return service.get(key, "")


def _cell(value: Any) -> str:
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return "" if value is None else str(value)
