"""EAS1xx: containers, ports, command vs script, prepare, health checks.

Facts are tables at the top, each citing its source; the checks below only read them.
Pointers are f-strings of fixed keys (no escaping needed): these checks run on every file.
"""

from __future__ import annotations

import functools
import re
from typing import Any

from deploykit import facts
from deploykit.diagnostics import Diagnostic, Severity
from deploykit.diagnostics.registry import Rule, rule
from deploykit.models.eas import EasService
from deploykit.models.eas_containers import Container, EnvVar, Prepare, Probe
from deploykit.rules.shape import field_path, was_given
from deploykit.secrets import redact_userinfo

TCP_PORTS = range(1, 65536)
# Suggestions, built once: `_port` runs for every container and probe.
_LISTEN_ELSEWHERE = f"listen on another port, e.g. {facts.EAS_SUGGESTED_PORT}"
_PROBE_YOUR_PORT = "probe the port your server listens on, not the engine's"

# reference/eas.md §1.11: a probe is one of these kinds (Kubernetes probe handlers).
PROBE_KINDS = ("http_get", "tcp_socket", "exec")
# Lowest allowed value of each probe setting. EAS uses Kubernetes probes (§1.11); the
# Kubernetes Probe v1 API documents "Minimum value is 1" for the period, timeout and both
# thresholds, and a delay cannot be negative.
PROBE_MINIMUMS = {
    "initial_delay_seconds": 0,
    "period_seconds": 1,
    "timeout_seconds": 1,
    "success_threshold": 1,
    "failure_threshold": 1,
}

# reference/eas.md §1.5, seeds/004: `command` runs one command with no shell ("cd xxx &&
# python app.py" is not supported, use `script`). Text in quotes is an argument, not syntax.
_QUOTED = re.compile(r"'[^']*'|\"(?:[^\"\\]|\\.)*\"")
_SHELL_SYNTAX = re.compile(r"&&|\|\||[;|<>`]|\$\(")
# Every operator above contains one of these: a command with none of them needs no parsing.
_SHELL_CHARACTER = re.compile(r"[&|;<>`$]")

RESERVED_PORT = rule(
    "EAS101", Severity.ERROR, "eas", "container port is reserved by the EAS engine (8080, 9090)",
    source="seeds/004; reference/eas.md §0.2, §1.5",
)
RESERVED_PROBE_PORT = rule(
    "EAS102", Severity.ERROR, "eas", "health-check port is reserved by the EAS engine (8080, 9090)",
    source="seeds/004; reference/eas.md §1.5",
)
PORT_RANGE = rule(
    "EAS103", Severity.ERROR, "eas", "port is not between 1 and 65535",
    source="RFC 793 (TCP port numbers)",
)
NO_COMMAND = rule(
    "EAS104", Severity.ERROR, "eas", "container has neither `command` nor `script`",
    source="seeds/004; reference/eas.md §1.5 (one of the two is required)",
)
COMMAND_AND_SCRIPT = rule(
    "EAS105", Severity.WARNING, "eas",
    "container has both `command` and `script` (the docs do not say which wins)",
    source="reference/eas.md §1.5 (exclusivity not stated: a guess, hence a warning)",
)
SHELL_IN_COMMAND = rule(
    "EAS106", Severity.ERROR, "eas", "`command` uses shell syntax; EAS runs it without a shell",
    source="seeds/004; reference/eas.md §1.5",
)
BAD_REQUIREMENT = rule(
    "EAS107", Severity.ERROR, "eas",
    "prepare.pythonRequirements entry is not a valid requirement (a pip option is a warning)",
    source="seeds/004 (pip specs such as numpy==1.16.4); PEP 508",
)
RELATIVE_REQUIREMENTS_PATH = rule(
    "EAS108", Severity.WARNING, "eas", "prepare.pythonRequirementsPath is not an absolute path",
    source="seeds/004 (e.g. /data_oss/requirements.txt); relative paths are undocumented",
)
PROBE_KIND = rule(
    "EAS109", Severity.ERROR, "eas", "health check does not set exactly one probe kind",
    source="reference/eas.md §1.11 (http_get, tcp_socket, exec)",
)
PROBE_SETTING = rule(
    "EAS110", Severity.ERROR, "eas",
    "health-check threshold or period below 1, or a negative delay",
    source="reference/eas.md §1.11 (Kubernetes probes)",
)
PROBE_PATH = rule(
    "EAS111", Severity.ERROR, "eas", "health-check http_get.path does not start with `/`",
    source="reference/eas.md §1.11; seeds/004 example path \"/\"",
)
PROBE_PORT_MISMATCH = rule(
    "EAS112", Severity.WARNING, "eas", "health-check port differs from the container port",
    source="seeds/004 (the example probes the container port)",
)
PROBE_TIMEOUT = rule(
    "EAS113", Severity.WARNING, "eas", "health-check timeout_seconds is above period_seconds",
    source="seeds/004 (defaults: period 3 s, timeout 1 s)",
)
NO_IMAGE = rule(
    "EAS114", Severity.ERROR, "eas", "container has no `image`",
    source="reference/eas.md §1.5 (image: required when deploying by image)",
)
ENV_WITHOUT_NAME = rule(
    "EAS115", Severity.ERROR, "eas", "environment variable has no `name`",
    source="reference/eas.md §1.5 (env is a list of {name, value})",
)
DUPLICATE_ENV = rule(
    "EAS116", Severity.WARNING, "eas", "environment variable is set twice in one container",
    source="reference/eas.md §1.5 (which one wins is undocumented)",
)
ENV_WITHOUT_VALUE = rule(
    "EAS117", Severity.WARNING, "eas",
    "environment variable has no `value`, so it is empty in the container",
    source="reference/eas.md §1.5 (env is a list of {name, value})",
)


def check_containers(service: EasService, data: dict[str, Any]) -> list[Diagnostic]:
    """Every EAS1xx finding about the service's containers (``data``: the input, see
    ``was_given``)."""
    # Runs on every file: each check appends to `found` (cheaper than nested generators), and
    # builds pointers and messages only once it has a finding.
    found: list[Diagnostic] = []
    if not service.containers:
        return found
    raws = data["containers"]
    for index, container in enumerate(service.containers):
        at = f"/containers/{index}"
        raw = raws[index]
        _image(found, container, raw, at)
        _port(found, container.port, at, RESERVED_PORT, _LISTEN_ELSEWHERE)
        _command(found, container, raw, at)
        if container.prepare is not None:
            _prepare(found, container.prepare, at)
        if container.env:
            _env(found, container.env, raw.get("env"), at)
        for key, probe in container.probes().items():
            _probe(found, probe, container.port, f"{at}/{key}")
    return found


def _image(found: list[Diagnostic], container: Container, raw: Any, at: str) -> None:
    if not container.image and not was_given(raw, "image"):
        found.append(
            NO_IMAGE(
                at,
                f"{field_path(at)} has no `image`",
                suggestion="set `image`, e.g. "
                "registry-vpc.cn-shanghai.aliyuncs.com/<ns>/<repo>:<tag>",
            )
        )


def _port(found: list[Diagnostic], port: int | None, owner: str, reserved: Rule, fix: str) -> None:
    """``owner``: the pointer of the object whose ``port`` this is."""
    if port is None:
        return
    if port not in TCP_PORTS:
        at = f"{owner}/port"
        found.append(
            PORT_RANGE(
                at,
                f"{field_path(at)} {port} is not a TCP port",
                suggestion=f"use a port between 1 and 65535, e.g. {facts.EAS_SUGGESTED_PORT}",
            )
        )
    elif port in facts.EAS_RESERVED_PORTS:
        at = f"{owner}/port"
        found.append(
            reserved(at, f"{field_path(at)} {port} is reserved by the EAS engine", suggestion=fix)
        )


def _command(found: list[Diagnostic], container: Container, raw: Any, at: str) -> None:
    command = container.command
    # A non-empty string in the model was given in the input: only ask the input otherwise.
    if (
        not command
        and not container.script
        and not was_given(raw, "command")
        and not was_given(raw, "script")
    ):
        found.append(
            NO_COMMAND(
                at,
                f"{field_path(at)} has neither `command` nor `script`; EAS needs one to start it",
                suggestion="add `command` for one command, or `script` for a shell script",
            )
        )
    elif command is not None and container.script is not None:
        found.append(
            COMMAND_AND_SCRIPT(
                f"{at}/script",
                f"{field_path(at)} sets both `command` and `script`; the docs ask for one of them",
                suggestion="keep only one: `script` if it needs a shell, else `command`",
            )
        )
    syntax = _shell_syntax(command) if command is not None else None
    if syntax is not None:
        where = f"{at}/command"
        found.append(
            SHELL_IN_COMMAND(
                where,
                f"{field_path(where)} uses shell syntax (`{syntax}`), but EAS runs `command` as "
                "a single command without a shell",
                suggestion="move it to `script`, which runs in a shell "
                "(lines separated by \\n or ;)",
            )
        )


def _shell_syntax(command: str) -> str | None:
    """The first shell operator outside quotes, e.g. ``&&`` in ``cd /app && python app.py``."""
    if _SHELL_CHARACTER.search(command) is None:
        return None  # the common case, decided without removing quoted text first
    match = _SHELL_SYNTAX.search(_QUOTED.sub("", command))
    return match.group(0) if match else None


def _prepare(found: list[Diagnostic], prepare: Prepare, at: str) -> None:
    for index, entry in enumerate(prepare.python_requirements or ()):
        problem = _requirement_problem(entry)
        if problem is not None:
            where = f"{at}/prepare/pythonRequirements/{index}"
            found.append(_bad_requirement(entry, where, problem))
    path = prepare.python_requirements_path
    if path is not None and not path.startswith("/"):
        where = f"{at}/prepare/pythonRequirementsPath"
        found.append(
            RELATIVE_REQUIREMENTS_PATH(
                where,
                f"{field_path(where)} `{path}` is not absolute; EAS documents only absolute "
                "paths in the image or a mounted storage",
                suggestion=f"use an absolute path, e.g. /{path.lstrip('./')}",
            )
        )


@functools.lru_cache(maxsize=4096)  # a corpus repeats the same pins file after file
def _requirement_problem(entry: str) -> str | None:
    # Imported here: packaging's parser costs a cold `validate` ~20 ms, and most services
    # list no pythonRequirements.
    from packaging.requirements import InvalidRequirement, Requirement

    try:
        Requirement(entry)
    except InvalidRequirement as exc:
        return str(exc).splitlines()[0]
    return None


def _bad_requirement(entry: str, where: str, problem: str) -> Diagnostic:
    shown = redact_userinfo(entry)
    if entry.lstrip().startswith("-"):
        # A pip option ("--extra-index-url ...") is fine in requirements.txt; whether EAS
        # passes list entries to pip as options is undocumented, so warn, not fail.
        return BAD_REQUIREMENT(
            where,
            f"{field_path(where)} `{shown}` is a pip option, not a requirement; "
            "EAS does not document options in pythonRequirements",
            suggestion="put options in a requirements.txt and use pythonRequirementsPath",
            severity=Severity.WARNING,
        )
    fix = "write a pip requirement such as numpy==1.16.4"
    pinned = re.fullmatch(r"\s*([A-Za-z0-9._-]+)\s*=\s*([^=\s]+)\s*", entry)
    if pinned:
        fix = f"pin with `==`: {pinned.group(1)}=={pinned.group(2)}"
    return BAD_REQUIREMENT(
        where,
        f"{field_path(where)} `{shown}` is not a valid requirement ({problem})",
        suggestion=fix,
    )


def _env(found: list[Diagnostic], env: list[EnvVar], raws: list[Any], at: str) -> None:
    """``raws``: the input's entries (the model's list keeps their indexes, ``shape``)."""
    seen: set[str] = set()
    for index, variable in enumerate(env):
        name = variable.name
        if not name:
            where = f"{at}/env/{index}"
            found.append(
                ENV_WITHOUT_NAME(
                    where,
                    f"{field_path(where)} has no `name`",
                    suggestion='write it as {"name": "VAR_NAME", "value": "..."}',
                )
            )
            continue
        if name in seen:
            where = f"{at}/env/{index}"
            found.append(
                DUPLICATE_ENV(
                    f"{where}/name",
                    f"{field_path(where)} sets `{name}` again",
                    suggestion="keep one entry per variable",
                )
            )
        seen.add(name)
        # Absent or null in the input; a value of the wrong type has its own finding.
        if variable.value is None and raws[index].get("value") is None:
            where = f"{at}/env/{index}"
            found.append(
                ENV_WITHOUT_VALUE(
                    where,
                    f"{field_path(where)} sets `{name}` without a `value`, so the variable "
                    "is empty in the container",
                    suggestion='add "value": "..." (write "value": "" if empty is meant)',
                )
            )


def _probe(found: list[Diagnostic], probe: Probe, container_port: int | None, at: str) -> None:
    http_get, tcp_socket = probe.http_get, probe.tcp_socket
    # Counted without building a list: the list of kinds is only needed for the message.
    if (http_get is not None) + (tcp_socket is not None) + (probe.exec is not None) != 1:
        kinds = [kind for kind in PROBE_KINDS if getattr(probe, kind) is not None]
        shown = ", ".join(f"`{k}`" for k in kinds) or "none"
        found.append(
            PROBE_KIND(
                at,
                f"{field_path(at)} must set exactly one of http_get, tcp_socket, exec "
                f"(found {shown})",
                suggestion='e.g. "http_get": {"path": "/health", "port": 8000}',
            )
        )
    for setting, minimum in PROBE_MINIMUMS.items():
        value = getattr(probe, setting)
        if value is not None and value < minimum:
            where = f"{at}/{setting}"
            found.append(
                PROBE_SETTING(
                    where,
                    f"{field_path(where)} is {value}; it must be at least {minimum}",
                    suggestion=f"set it to {minimum} or more",
                )
            )
    timeout, period = probe.timeout_seconds, probe.period_seconds
    if timeout is not None and period is not None and timeout > period:
        where = f"{at}/timeout_seconds"
        found.append(
            PROBE_TIMEOUT(
                where,
                f"{field_path(where)} {timeout} is above period_seconds {period}: "
                "a slow check overlaps the next one",
                suggestion="make timeout_seconds at most period_seconds",
            )
        )
    if http_get is not None:
        _probe_port(found, http_get.port, container_port, f"{at}/http_get")
        path = http_get.path
        if path is not None and not path.startswith("/"):
            where = f"{at}/http_get/path"
            found.append(
                PROBE_PATH(
                    where,
                    f"{field_path(where)} `{path}` must start with `/`",
                    suggestion=f"write /{path}",
                )
            )
    if tcp_socket is not None:
        _probe_port(found, tcp_socket.port, container_port, f"{at}/tcp_socket")


def _probe_port(
    found: list[Diagnostic], port: int | None, container_port: int | None, owner: str
) -> None:
    _port(found, port, owner, RESERVED_PROBE_PORT, _PROBE_YOUR_PORT)
    if port is None or container_port is None or port == container_port:
        return
    if port in TCP_PORTS and port not in facts.EAS_RESERVED_PORTS:  # else reported above
        where = f"{owner}/port"
        found.append(
            PROBE_PORT_MISMATCH(
                where,
                f"{field_path(where)} {port} is not the container port {container_port}; "
                "the probe would check a port the server may not listen on",
                suggestion=f"probe port {container_port}",
            )
        )
