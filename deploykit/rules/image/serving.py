"""The checks on what an image runs: boot file, ports, logging, keep-alive, user, setuid.

Each check takes what :mod:`deploykit.images.start` resolved and adds diagnostics to
the file they concern (``Findings``). The facts they compare against are in
:mod:`deploykit.rules.image.findings`; graceful exit is in :mod:`deploykit.rules.image.graceful`.
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

from deploykit.diagnostics import Diagnostic, Severity
from deploykit.facts import EAS_RESERVED_PORTS
from deploykit.images.dockerfile import ImageConfig
from deploykit.images.server import (
    NO_KEEPALIVE_WORKERS,
    Listen,
    ServerLaunch,
    python_listen,
)
from deploykit.images.shell import SHELLS
from deploykit.images.start import Start, context_file, shell_text
from deploykit.rules.image import findings as facts
from deploykit.rules.image.target import ImageTarget, PlatformTarget

Findings = defaultdict[Path, list[Diagnostic]]
_NAMES = {"eas": "EAS", "modelarts": "ModelArts"}
_LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})
_STDIO = frozenset({"-", "/dev/stdout", "/dev/stderr", "/proc/1/fd/1", "/proc/1/fd/2"})
_LOG_REDIRECTS = frozenset({">", ">>", "&>", "&>>", ">|", "1>", "2>", "1>>", "2>>"})
# chmod modes that set setuid/setgid: u+s, g+s, +s, a+s, ug+s, or octal 4xxx/2xxx/6xxx.
_SETUID = re.compile(r"^(?:[ugoa]*\+[rwxXt]*s[rwxXt]*|[0-7]?[2467][0-7]{3})$")


def check_boot_file(config: ImageConfig, target: ImageTarget, dockerfile: Path,
                    findings: Findings) -> None:
    """IMG001 (no start command) and IMG002 (batch boot file)."""
    if not config.argv:
        findings[dockerfile].append(facts.NO_START_COMMAND(
            None, "the image sets no CMD or ENTRYPOINT",
            suggestion='add CMD ["sh", "/home/run.sh"] (or give the platform a start command)',
            line=config.from_line,
        ))
    if target.usage != "batch" or "modelarts" not in target.platforms:
        return
    cmd = config.cmd or []
    # seeds/003's `CMD /bin/sh /home/run.sh`: shell form, run as `<SHELL> -c "<text>"`
    script = shell_text(cmd)
    shell_form = script is not None and script.split()[-1:] == [facts.BATCH_BOOT_FILE]
    exec_form = len(cmd) == 2 and cmd[0] in SHELLS and cmd[1] == facts.BATCH_BOOT_FILE
    if config.entrypoint or not (exec_form or shell_form):
        # Only the program is shown: arguments may hold a token.
        shown = config.argv[0] if config.argv else "nothing"
        findings[dockerfile].append(facts.BATCH_BOOT_FILE_RULE(
            None, f"a batch-service image must boot {facts.BATCH_BOOT_FILE} through CMD; "
            f"this one starts {shown}",
            suggestion='COPY run.sh /home/run.sh and set CMD ["sh", "/home/run.sh"] '
            "(no ENTRYPOINT)",
            line=config.start_line,
        ))


def listens(start: Start, launches: list[ServerLaunch], config: ImageConfig, context: Path,
            variables: dict[str, str]) -> list[tuple[Path, Listen, int]]:
    """Every address the servers listen on, with the file and line that decides it."""
    found = []
    for launch in launches:
        for listen in launch.listens:
            found.append((start.file, listen, launch.command.line))
        if launch.script:
            source = context_file(launch.script, config, context)
            if source is not None:
                found.extend((source, listen, line) for listen, line in
                             python_listen(source, variables))
    return found


def check_ports(addresses: list[tuple[Path, Listen, int]], config: ImageConfig,
                platform: PlatformTarget, dockerfile: Path, findings: Findings) -> None:
    """IMG003 (not the platform's port) and IMG004 (EAS reserved port), per platform."""
    for file, listen, line in addresses:
        if listen.port is None:
            continue
        line, column = _position(file, line, listen.word)
        via = f" (from ${listen.from_variable})" if listen.from_variable else ""
        if platform.name == "eas" and listen.port in EAS_RESERVED_PORTS:
            fix = (f"set {listen.from_variable} in the service's containers[].env, e.g. 8000"
                   if listen.from_variable else "listen on another port, e.g. 8000")
            findings[file].append(facts.EAS_RESERVED_PORT(
                None, f"the server listens on port {listen.port}{via}, which the EAS engine "
                "uses (8080 and 9090 are reserved)", suggestion=fix, line=line, column=column,
            ))
        elif platform.port is not None and listen.port != platform.port:
            findings[file].append(facts.WRONG_PORT(
                None, f"the server listens on port {listen.port}{via}, but {_NAMES[platform.name]} "
                f"sends requests to port {platform.port} ({platform.source})",
                suggestion=f"listen on {platform.port}", line=line, column=column,
            ))
    if platform.name != "modelarts" or not config.exposed:
        return  # EAS routes to containers[].port; EXPOSE is documentation there
    if all(port != platform.port for port, _ in config.exposed):
        port, where = config.exposed[0]
        findings[dockerfile].append(facts.WRONG_PORT(
            None, f"EXPOSE {port} does not include port {platform.port}, where ModelArts sends "
            f"requests ({platform.source})", suggestion=f"EXPOSE {platform.port}",
            severity=Severity.WARNING, line=where.line, column=where.column,
        ))


def check_loopback(addresses: list[tuple[Path, Listen, int]], findings: Findings) -> None:
    """IMG005: a server only on 127.0.0.1 cannot be reached from outside the container."""
    for file, listen, line in addresses:
        if listen.host in _LOOPBACK:
            findings[file].append(facts.LOOPBACK_ONLY(
                None, f"the server listens on {listen.host}, which nothing outside the "
                "container can reach", suggestion="bind 0.0.0.0 (e.g. gunicorn -b 0.0.0.0:8080)",
                line=_position(file, line, listen.word)[0],
                column=_position(file, line, listen.word)[1],
            ))


def check_logs(start: Start, launches: list[ServerLaunch], findings: Findings) -> None:
    """IMG006: server output redirected to a file, gunicorn log files, nohup."""
    servers = {id(launch.command) for launch in launches}
    for command in start.commands:
        is_server = id(command) in servers or (command.name == "exec" and len(command.words) == 1)
        if command.name == "nohup":
            findings[start.file].append(facts.LOGS_NOT_STDOUT(
                None, "nohup sends output to nohup.out when started from a terminal",
                suggestion="drop nohup; start the server with `&` and keep its output on stdout",
                **command.at("nohup"),
            ))
        for operator, path in command.redirects:
            if operator not in _LOG_REDIRECTS or path in _STDIO:
                continue
            if is_server or path.endswith(".log") or "/log" in path:
                findings[start.file].append(facts.LOGS_NOT_STDOUT(
                    None, f"output of `{command.name or 'exec'}` goes to {path}, not standard "
                    "output, so the platform's log view stays empty",
                    suggestion=f"remove `{operator} {path}` (write logs to stdout/stderr)",
                    **command.at(path),
                ))
    for launch in launches:
        for option, path in launch.log_files:
            if path not in _STDIO:
                findings[start.file].append(facts.LOGS_NOT_STDOUT(
                    None, f"{launch.program} {option} {path} writes logs to a file",
                    suggestion=f"use {option} - (standard output) or drop the option",
                    **launch.command.at(option),
                ))


def check_keepalive(start: Start, launches: list[ServerLaunch], findings: Findings) -> None:
    """IMG007: HTTP keep-alive of 200 s (gunicorn: -k gevent --keep-alive 200)."""
    for launch in launches:
        command = launch.command
        if launch.program == "gunicorn" and launch.worker in NO_KEEPALIVE_WORKERS:
            findings[start.file].append(facts.NO_KEEPALIVE(
                None, f"gunicorn's {launch.worker} worker does not keep HTTP connections alive",
                suggestion="install gevent in the image and add -k gevent --keep-alive 200",
                **command.at("gunicorn"),
            ))
        elif launch.keepalive is not None and launch.keepalive < facts.KEEPALIVE_SECONDS:
            option = {"gunicorn": "--keep-alive", "uvicorn": "--timeout-keep-alive"}.get(
                launch.program)
            if option is None:
                continue
            findings[start.file].append(facts.NO_KEEPALIVE(
                None, f"{launch.program} keeps idle connections {launch.keepalive:g} s; "
                "ModelArts needs 200 s for a hitless rolling upgrade",
                suggestion=f"set {option} 200",
                **command.at(option if option in command.text else launch.program),
            ))


def check_user(config: ImageConfig, base: str, dockerfile: Path, findings: Findings) -> None:
    """IMG011: ModelArts starts custom engines as ma-user, uid 1000, gid 100."""
    for run in config.runs:
        for match in re.finditer(r"useradd\b[^;&|]*", run.text):
            words = match.group(0).split()
            uid = _option(words, "-u", "--uid")
            if facts.MA_USER in words and uid is not None and uid != str(facts.MA_UID):
                line, column = run.locate(f"-u {uid}")
                findings[dockerfile].append(facts.NOT_MA_USER(
                    None, f"ma-user is created with uid {uid}; ModelArts starts the container "
                    f"as uid {facts.MA_UID}", line=line, column=column,
                    suggestion="useradd -d /home/ma-user -m -u 1000 -g 100 -s /bin/bash ma-user",
                ))
    user = config.user.value if config.user else ""
    name, _, group = user.partition(":")
    if name in {facts.MA_USER, str(facts.MA_UID)} and group in {"", "100", "ma-group"}:
        return
    if not user and "myhuaweicloud.com" in base:
        return  # a ModelArts base image sets its own USER, which we cannot see
    shown = f"as {user!r}" if user else "as root (no USER)"
    findings[dockerfile].append(facts.NOT_MA_USER(
        None, f"the image runs {shown}; ModelArts runs custom engines as ma-user "
        f"(uid {facts.MA_UID}, gid {facts.MA_GID}) and files it needs must be theirs",
        suggestion="groupadd -g 100 ma-group && useradd -d /home/ma-user -m -u 1000 -g 100 "
        "-s /bin/bash ma-user, then USER ma-user",
        line=config.user.line if config.user else config.from_line,
        column=config.user.column if config.user else None,
    ))


def check_setuid(config: ImageConfig, dockerfile: Path, findings: Findings) -> None:
    """IMG012: a training image must not add setuid/setgid files (seeds/003)."""
    for run in config.runs:
        text = " ".join([run.text, *run.heredocs])
        for match in re.finditer(r"chmod\s+((?:-\S+\s+)*)(\S+)", text):
            mode = match.group(2)
            if _SETUID.match(mode):
                line, column = run.locate(mode)
                findings[dockerfile].append(facts.SETUID_FILE(
                    None, f"chmod {mode} adds a setuid/setgid file, which training images "
                    "must not contain", suggestion="drop the s bit (e.g. chmod 755)",
                    line=line, column=column,
                ))


def _option(words: list[str], *names: str) -> str | None:
    for index, word in enumerate(words[:-1]):
        if word in names:
            return words[index + 1]
    return None


def _position(file: Path, line: int, word: str) -> tuple[int, int | None]:
    """Where ``word`` is on ``line`` or on the lines that continue it (a trailing ``\\``)."""
    try:
        lines = file.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return line, None
    number = line
    while 0 < number <= len(lines):
        index = lines[number - 1].find(word) if word else -1
        if index >= 0:
            return number, index + 1
        if not lines[number - 1].rstrip().endswith("\\"):
            break
        number += 1
    return line, None
