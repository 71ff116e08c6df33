"""Graceful exit on SIGTERM, read from run.sh as the seeds prescribe it (seeds/000-002)::

    handle_sigterm() {
      if [ $gunicorn_pid != "" ]; then
          sleep 60                 # keep serving while the platform moves traffic away
          kill -15 $gunicorn_pid   # then pass SIGTERM on to the server
          wait $gunicorn_pid       # and wait until it has finished in-flight requests
      fi
    }
    trap handle_sigterm TERM

For that trap to run at all, the server must be started in the background and the script
must ``wait`` for it: a shell runs a trap only between commands, so it never runs while a
foreground server is still running, and ``exec`` replaces the shell, trap and all.

The exit takes the handler's sleeps plus, when it waits for the server, the server's own
graceful timeout (gunicorn ``--graceful-timeout``, 30 s by default): the seed's pattern is
60 + 30 = 90 s, exactly the limit.
"""

from __future__ import annotations

from deploykit.images.server import ServerLaunch
from deploykit.images.shell import Command, expand, parse_script, sleep_seconds
from deploykit.images.start import Start
from deploykit.rules.image import findings as facts
from deploykit.rules.image.serving import Findings

_TERM = frozenset({"TERM", "SIGTERM", "15"})


def check_graceful(start: Start, launches: list[ServerLaunch], variables: dict[str, str],
                   findings: Findings) -> None:
    """IMG008 (no usable trap), IMG009 (stops before 60 s), IMG010 (exit over 90 s)."""
    script = start.script
    if script is None:
        for launch in launches:
            findings[start.file].append(facts.NO_SIGTERM_TRAP(
                None, f"{launch.program} is started directly, so it receives SIGTERM itself "
                "and stops at once, without the 60 s wait of a hitless rolling upgrade",
                suggestion="start it from run.sh with the seeds' SIGTERM pattern "
                "(trap, sleep 60, kill -15, wait)",
                **launch.command.at(launch.command.words[0]),
            ))
        return
    traps = [c for c in script.commands if c.name == "trap" and _traps_term(c)]
    first = launches[0].command if launches else None
    if not traps:
        findings[start.file].append(facts.NO_SIGTERM_TRAP(
            None, "run.sh does not trap SIGTERM, so a rolling upgrade cuts requests off",
            suggestion="add a handler that sleeps 60 s, sends the server SIGTERM (kill -15) "
            "and waits for it, then `trap handle_sigterm TERM` (seeds' sample run.sh)",
            line=first.line if first else 1,
        ))
        return
    trap = traps[-1]
    _check_trap_can_run(start, launches, trap, findings)
    action = trap.words[1] if len(trap.words) > 1 else ""
    handler = (script.body(action) if action in script.functions
               else parse_script(action, first_line=trap.line).commands)
    _check_timing(start, launches, trap, handler, variables, findings)


def _check_trap_can_run(start: Start, launches: list[ServerLaunch], trap: Command,
                        findings: Findings) -> None:
    for launch in launches:
        command = launch.command
        if command.function is not None:
            continue
        if command.words[0] == "exec":
            problem = "`exec` replaces the shell, and its SIGTERM trap with it"
        elif not command.background:
            problem = (f"{launch.program} runs in the foreground, and the shell runs the "
                       "SIGTERM trap only after it has exited")
        elif not any(c.name == "wait" and c.function is None and c.line >= command.line
                     for c in start.commands):
            problem = (f"run.sh ends right after starting {launch.program} in the background "
                       "(no `wait`), so the trap is gone before SIGTERM arrives")
        else:
            continue
        findings[start.file].append(facts.NO_SIGTERM_TRAP(
            None, problem,
            suggestion=f"start it as `{launch.program} ... &`, keep its pid (pid=$!) and "
            "`wait $pid`",
            **command.at(command.words[0]),
        ))


def _check_timing(start: Start, launches: list[ServerLaunch], trap: Command,
                  handler: list[Command], variables: dict[str, str], findings: Findings) -> None:
    before = total = 0.0
    kill: Command | None = None
    waits = False
    for command in handler:
        expanded = Command(tuple(expand(w, variables) for w in command.words), command.line,
                           command.text)
        seconds = sleep_seconds(expanded) or 0.0
        total += seconds
        if kill is None:
            before += seconds
        if command.name == "kill" and kill is None:
            kill = command
        waits = waits or (command.name == "wait" and kill is not None)
    where = kill or trap
    if before < facts.SIGTERM_WAIT_SECONDS:
        findings[start.file].append(facts.SHORT_SIGTERM_WAIT(
            None, f"the SIGTERM handler stops the server after {before:g} s; ModelArts needs "
            f"{facts.SIGTERM_WAIT_SECONDS:g} s so in-flight and late requests are served",
            suggestion="sleep 60 before kill -15 (seeds' sample run.sh)",
            **where.at(where.words[0]),
        ))
    if not waits:
        return
    graceful = [launch.graceful for launch in launches if launch.program != "python"]
    if any(g is None for g in graceful):
        unbounded = next(launch for launch in launches if launch.graceful is None)
        findings[start.file].append(facts.LONG_SIGTERM_EXIT(
            None, f"{unbounded.program} waits for open connections without a time limit, so "
            "the exit after SIGTERM has no bound",
            suggestion="bound it (uvicorn --timeout-graceful-shutdown 30)",
            line=unbounded.command.line,
        ))
        return
    server = max((g for g in graceful if g is not None), default=0.0)
    if total + server > facts.SIGTERM_TOTAL_SECONDS:
        findings[start.file].append(facts.LONG_SIGTERM_EXIT(
            None, f"the exit after SIGTERM can take {total + server:g} s (handler {total:g} s "
            f"+ server graceful timeout {server:g} s); the limit is "
            f"{facts.SIGTERM_TOTAL_SECONDS:g} s",
            suggestion="keep sleep + graceful timeout within 90 s "
            "(sleep 60 and gunicorn's default --graceful-timeout 30)",
            **where.at(where.words[0]),
        ))


def _traps_term(command: Command) -> bool:
    return len(command.words) >= 3 and any(w.upper() in _TERM for w in command.words[2:])
