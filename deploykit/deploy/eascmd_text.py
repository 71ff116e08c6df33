"""eascmd's output style, for every platform: ``[RequestId]``, key/value and column tables,
``[OK]`` lines, progress, apply outcomes and plans.

Formats are reference/eas.md §2.3 (verbatim eascmd examples) and PRODUCT.md "create output";
ModelArts output takes the same shapes. What a platform's own fields look like in these
tables is the platform's (``deploykit.platforms.eas.EasView``). Functions return text; the
CLI prints it.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from deploykit.clients._wait import Phase, Progress

if TYPE_CHECKING:
    from deploykit.clients._capabilities import InstanceState, ServiceEvent, ServiceVersion
    from deploykit.deploy.apply import Outcome
    from deploykit.deploy.changes import Change


def request_id_line(request_id: str) -> str:
    return f"[RequestId]: {request_id}"


def ok(text: str) -> str:
    return f"[OK] {text}"


def fail(text: str) -> str:
    """A failure's line. eascmd documents only ``[OK]`` lines (§2.3); a failure is never one."""
    return f"[FAIL] {text}"


def progress_line(progress: Progress) -> str:
    """``[OK] Waiting [Total: 2, Pending: 2, Running: 0]`` (PRODUCT.md create output), or
    ``[FAIL] Failed [...]`` once the service has failed."""
    failed = progress.phase in (Phase.FAILED, Phase.DELETE_FAILED)
    return (fail if failed else ok)(
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


def outcome_line(outcome: Outcome) -> str:
    """One ``apply`` result: ``[OK] Service [x] created [RequestId: …]`` or ``[FAIL] …``."""
    if outcome.ok:
        rid = f" [RequestId: {outcome.request_id}]" if outcome.request_id else ""
        return ok(f"Service [{outcome.name}] {outcome.action}{rid}")
    cause = f": {outcome.error}" if outcome.error is not None else ""
    return fail(f"Service [{outcome.name}] {outcome.action}{cause}")


# reference/eas.md §2.3 "w columns" (official), in order.
INSTANCE_COLUMNS = ("INSTANCENAME", "INNERIP", "HOSTIP", "STARTAT", "RESTARTS", "STATUS",
                    "READY", "REASON", "LASTSTATE")
# eascmd has no events or versions command; their tables take its ls shape.
EVENT_COLUMNS = ("TIME", "TYPE", "REASON", "RESOURCE", "MESSAGE")
VERSION_COLUMNS = ("VERSION", "SERVING", "BUILDTIME", "IMAGE", "RUNNABLE", "MESSAGE")


def instances_table(instances: Sequence[InstanceState]) -> str:
    """``eascmd w``: READY as ``[ready/total]``, LASTSTATE as JSON (``"reason": "OOMKilled"``
    means out of memory, §2.3)."""
    rows = []
    for i in instances:
        last = i.last_exit
        state = "" if last is None else json.dumps({"reason": last.reason,
                                                    "exitCode": last.exit_code})
        rows.append([i.name, i.ip, i.host_ip, clock_time(i.started), str(i.restarts), i.status,
                     f"[{i.ready}/{i.total}]", i.reason, state])
    return column_table(INSTANCE_COLUMNS, rows)


def events_table(events: Sequence[ServiceEvent]) -> str:
    rows = [[clock_time(e.time), e.type, e.reason, e.resource, _one_line(e.message)]
            for e in events]
    return column_table(EVENT_COLUMNS, rows)


def versions_table(versions: Sequence[ServiceVersion]) -> str:
    """Newest first; ``*`` marks the version serving."""
    runnable = {True: "true", False: "false", None: "unknown"}
    rows = [[str(v.number), "*" if v.serving else "", clock_time(v.built), v.image,
             runnable[v.runnable], _one_line(v.message)] for v in versions]
    return column_table(VERSION_COLUMNS, rows)


def clock_time(moment: datetime | None) -> str:
    """§2.3 shows times as ``2019-02-21 16:35:41``; deploykit's are UTC."""
    if moment is None:
        return ""
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S")


def _one_line(text: str) -> str:
    return " ".join(text.split())


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
