"""Health checks: ModelArts ``health`` objects ⇄ EAS container probes.

ModelArts (reference/modelarts.md §1.6): ``check_method`` HTTP (``url``) or EXEC (``command``,
"strings separated by spaces"), timings as *strings* (that is what the platform returns).
EAS (seeds/004; reference/eas.md §1.11): ``http_get {path, port}``, ``tcp_socket {port}``,
``exec {command: [...]}``, timings as integers, plus ``success_threshold``.
"""

from __future__ import annotations

from typing import Any

from deploykit import pointer as jp
from deploykit.conversion import losses
from deploykit.conversion.record import ConversionRecord, display

# The timing fields both platforms name alike (reference/modelarts.md §1.6, seeds/004).
TIMINGS = ("initial_delay_seconds", "timeout_seconds", "period_seconds", "failure_threshold")

# When a probe leaves a timing out, each platform fills its own default; they differ, so the
# converted probe may behave differently (reference/modelarts.md §1.6: console period 5 s,
# delay 12 s, failures 12; seeds/004: EAS delay 3 s, period 3 s, timeout 1 s).
_DEFAULTS_NOTE = (
    "ModelArts defaults: period 5 s, initial delay 12 s, 12 failures; "
    "EAS defaults: period 3 s, initial delay 3 s, timeout 1 s"
)


def health_to_probe(health: Any, at: str, record: ConversionRecord) -> dict[str, Any] | None:
    """A ModelArts ``health`` object → an EAS probe (``None`` when nothing can be carried)."""
    if not isinstance(health, dict):
        record.not_expressible(
            at, f"{display(at)} is not an object; no health check was carried over"
        )
        return None
    method = str(health.get("check_method") or "HTTP").upper()
    probe: dict[str, Any] = {}
    for key, value in health.items():
        where = jp.child(at, key)
        if key == "check_method":
            continue
        if key == "url" and method == "HTTP" and isinstance(value, str):
            probe["http_get"] = {"path": value, **({"port": record.port} if record.port else {})}
        elif key == "command" and method == "EXEC" and isinstance(value, str) and value.split():
            probe["exec"] = {"command": value.split()}
        elif key == "protocol" and str(value).lower() == "http":
            pass  # EAS http_get speaks HTTP (seeds/004 documents no scheme)
        elif key == "protocol":
            record.not_expressible(
                where,
                f"{display(where)} {value!r}: EAS health checks are plain HTTP (seeds/004)",
                suggestion="serve the health check over HTTP",
            )
        elif key in TIMINGS:
            number = _as_count(value)
            if number is None:
                record.not_expressible(
                    where, f"{display(where)} is not a whole number of seconds/times; dropped"
                )
            else:
                probe[key] = number
        else:
            record.no_counterpart(where, "not part of an EAS health check")
    if "http_get" not in probe and "exec" not in probe:
        record.not_expressible(
            at,
            f"{display(at)} has neither an HTTP url nor an EXEC command "
            f"(check_method {method}); no health check was carried over",
        )
        return None
    _note_defaults(probe, at, record)
    return probe


def probe_to_health(probe: Any, at: str, record: ConversionRecord) -> dict[str, Any] | None:
    """An EAS probe → a ModelArts ``health`` object (``None`` when nothing can be carried)."""
    if not isinstance(probe, dict):
        record.not_expressible(
            at, f"{display(at)} is not an object; no health check was carried over"
        )
        return None
    health: dict[str, Any] = {}
    for key, value in probe.items():
        where = jp.child(at, key)
        if key == "http_get" and isinstance(value, dict) and isinstance(value.get("path"), str):
            health.update(check_method="HTTP", protocol="http", url=value["path"])
            _check_http_get(value, where, record)
        elif key == "exec" and isinstance(value, dict) and _plain_words(value.get("command")):
            health.update(check_method="EXEC", command=" ".join(value["command"]))
        elif key == "exec":
            record.not_expressible(
                where,
                f"{display(where)}: ModelArts splits an EXEC command on spaces, so arguments that "
                "are empty or contain spaces cannot be carried over; check dropped",
                suggestion="wrap the check in a script, e.g. /home/health.sh, and exec that",
            )
        elif key == "tcp_socket":
            record.not_expressible(
                where,
                f"{display(where)}: ModelArts has no TCP health check (only HTTP and EXEC); "
                "dropped",
                suggestion="add an HTTP endpoint such as GET /health and use http_get",
            )
        elif key in TIMINGS and _as_count(value) is not None:
            health[key] = str(_as_count(value))  # reference/modelarts.md §1.6: strings
        elif key in TIMINGS:
            record.not_expressible(where, f"{display(where)} is not a whole number; dropped")
        else:
            record.no_counterpart(where, "ModelArts health checks have no such setting")
    if "check_method" not in health:
        return None
    _note_defaults(health, at, record)
    return health


def _check_http_get(http_get: dict[str, Any], at: str, record: ConversionRecord) -> None:
    for key, value in http_get.items():
        where = jp.child(at, key)
        if key == "path":
            continue
        if key == "port" and value == record.port:
            continue
        if key == "scheme" and str(value).upper() == "HTTP":
            continue
        record.not_expressible(
            where,
            f"{display(where)}: ModelArts checks health on the service port over HTTP; "
            "a separate port or scheme cannot be expressed",
            suggestion="serve the health check on the service port",
        )


def _note_defaults(probe: dict[str, Any], at: str, record: ConversionRecord) -> None:
    missing = [key for key in TIMINGS if key not in probe]
    if missing:
        record.add(
            losses.PROBE_DEFAULTS_DIFFER(
                at,
                f"{display(at)} leaves {', '.join(missing)} to the platform; {_DEFAULTS_NOTE}",
                suggestion="set every timing explicitly so the check behaves the same on both",
            )
        )


def _as_count(value: Any) -> int | None:
    """``12`` or ``"12"`` → 12; anything else (bools, floats, words, negatives) → None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value >= 0 else None
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def _plain_words(command: Any) -> bool:
    return (
        isinstance(command, list)
        and bool(command)
        and all(
            isinstance(word, str) and word and not any(c.isspace() for c in word)
            for word in command
        )
    )
