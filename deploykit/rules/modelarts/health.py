"""ModelArts health-probe rules: `health`, `readiness_health`, `startup_health`
(reference/modelarts.md §1.6; seeds/001–003 for the custom-image health API)."""

from __future__ import annotations

from typing import Any

from deploykit import facts
from deploykit.diagnostics import Diagnostic, Severity
from deploykit.diagnostics.registry import rule
from deploykit.models.modelarts import Health, ModelArtsConfig
from deploykit.rules.shape import field_path, suggestion_for

PROBES = ("health", "readiness_health", "startup_health")
CHECK_METHODS = ("HTTP", "EXEC")
# Console ranges when importing a model (reference §1.6, OTC importing_a_meta_model_*):
# period and maximum failures 1..2147483647, delay 0..2147483647. The timeout has no
# published range; the v2 SDK's minimum of 1 is used.
NUMBER_RANGES = {
    "initial_delay_seconds": (0, 2147483647),
    "timeout_seconds": (1, 2147483647),
    "period_seconds": (1, 2147483647),
    "failure_threshold": (1, 2147483647),
}

HEALTH_NUMBER = rule(
    "MA130", Severity.ERROR, "modelarts",
    "health numbers are whole numbers, as integers or numeric strings, in the console's range",
    source="reference/modelarts.md §1.6 (OTC model-details example: numbers as strings)",
)
HEALTH_URL = rule(
    "MA131", Severity.ERROR, "modelarts",
    "health url is a path starting with /",
    source="reference/modelarts.md §1.6 (v2 SDK Health.url: starts with /)",
)
SEED_HEALTH_PATH = rule(
    "MA132", Severity.WARNING, "modelarts",
    "a custom image's health API is GET /health",
    source="seeds/001, seeds/002, seeds/003; reference/modelarts.md §1.6, §2.1",
)
CHECK_METHOD = rule(
    "MA133", Severity.ERROR, "modelarts",
    "check_method is HTTP (with url) or EXEC (with command); a case-only slip is a warning",
    source="reference/modelarts.md §1.6 (OTC model-details Table 5; TF example)",
)
NO_HEALTH = rule(
    "MA134", Severity.INFO, "modelarts",
    "custom image without a health check: rolling upgrades may interrupt the service",
    source="seeds/001, seeds/002 (health API required for a hitless rolling upgrade)",
)


def check_health(config: ModelArtsConfig, data: dict[str, Any]) -> list[Diagnostic]:
    """``data``: the input, to tell a key left out from one whose value failed its shape."""
    found: list[Diagnostic] = []
    if config.is_image and config.health is None:
        found.append(
            NO_HEALTH(
                "/model_type",
                "this custom-image model configures no `health` check, so a rolling upgrade "
                "may send requests to an instance that is not ready",
                suggestion='add "health": {"url": "/health", "protocol": "http", '
                '"initial_delay_seconds": "12", "timeout_seconds": "30"}',
            )
        )
    for probe in PROBES:
        health: Health | None = getattr(config, probe)
        if health is None:
            continue
        where = f"/{probe}"
        found.extend(_numbers(where, health))
        found.extend(_method(where, health, given_url="url" in data[probe]))
        if health.url is not None:
            found.extend(_url(where, health.url, probe, config.is_image))
    return found


def _numbers(where: str, health: Health) -> list[Diagnostic]:
    found = []
    for key, (low, high) in NUMBER_RANGES.items():
        value = getattr(health, key)
        if value is None:
            continue  # absent, or a wrong JSON type: the shape check reports it
        number = _whole_number(value)
        if number is None:
            found.append(
                HEALTH_NUMBER(
                    f"{where}/{key}",
                    f"{field_path(where)}.{key} is {value!r}, not a whole number of "
                    f"{'seconds' if key.endswith('seconds') else 'failures'}",
                    suggestion=f'write a number such as {low or 5} or "{low or 5}"',
                )
            )
        elif not low <= number <= high:
            found.append(
                HEALTH_NUMBER(
                    f"{where}/{key}",
                    f"{field_path(where)}.{key} is {number}; ModelArts accepts {low}..{high}",
                    suggestion=f"use a value of at least {low}",
                )
            )
    return found


def _whole_number(value: int | str) -> int | None:
    if isinstance(value, int):
        return value
    stripped = value.strip()
    return int(stripped) if stripped.isascii() and stripped.isdigit() else None


def _method(where: str, health: Health, *, given_url: bool) -> list[Diagnostic]:
    method = health.check_method if health.check_method is not None else "HTTP"
    if method not in CHECK_METHODS:
        # Only the case differs ("http"): the platform's own configs write HTTP, whether it
        # folds case is undocumented, so that is a warning; anything else cannot work.
        return [
            CHECK_METHOD(
                f"{where}/check_method",
                f"{field_path(where)}.check_method is {method!r}; ModelArts knows HTTP and EXEC",
                suggestion=suggestion_for(method, CHECK_METHODS, "check methods"),
                severity=Severity.WARNING if method.upper() in CHECK_METHODS else None,
            )
        ]
    if method == "EXEC" and not health.command:
        return [
            CHECK_METHOD(
                f"{where}/check_method",
                f"{field_path(where)} is an EXEC check without a `command` to run",
                suggestion='add "command", e.g. "command": "sh /home/ma-user/health.sh"',
            )
        ]
    if method == "HTTP" and not given_url:
        return [
            CHECK_METHOD(
                where,
                f"{field_path(where)} is an HTTP check without a `url`",
                suggestion='add "url": "/health"',
            )
        ]
    return []


def _url(where: str, url: str, probe: str, image: bool) -> list[Diagnostic]:
    pointer = f"{where}/url"
    if not url.startswith("/"):
        fixed = "/" + url.split("://", 1)[-1].split("/", 1)[-1] if "://" in url else "/" + url
        return [
            HEALTH_URL(
                pointer,
                f"{field_path(pointer)} is {url!r}; ModelArts expects a path on the "
                "container, starting with /",
                suggestion=f"use {fixed!r}",
            )
        ]
    if image and probe == "health" and url.rstrip("/") != facts.MODELARTS_HEALTH_PATH:
        return [
            SEED_HEALTH_PATH(
                pointer,
                f"{field_path(pointer)} is {url!r}; the custom-image specification's health API "
                f"is GET {facts.MODELARTS_HEALTH_PATH}, answering {{\"health\": \"true\"}}",
                suggestion=f"serve and configure {facts.MODELARTS_HEALTH_PATH}",
            )
        ]
    return []
