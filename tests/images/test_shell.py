"""The run.sh reader, on the seeds' own sample run.sh and the shapes users write."""

from __future__ import annotations

from deploykit.images.server import ANY_ADDRESS, recognise
from deploykit.images.shell import Command, expand, parse_script, sleep_seconds

# seeds/000 "Gracefully exiting a container", verbatim, plus the start of gunicorn that the
# sample leaves out (it must run in the background for the trap to run).
SEED_RUN_SH = """\
#!/bin/bash
gunicorn_pid=""

handle_sigterm() {
  echo "Received SIGTERM, send SIGTERM to $gunicorn_pid"
  if [ $gunicorn_pid != "" ]; then
      sleep 60
      kill -15 $gunicorn_pid  # Transfer SIGTERM signals to the Gunicorn process.
      wait $gunicorn_pid           # Wait until the Gunicorn process stops.
  fi
}

trap handle_sigterm TERM
gunicorn -k gevent --keep-alive 200 -b 0.0.0.0:8080 app:app > /var/log/app.log 2>&1 &
gunicorn_pid=$!
wait $gunicorn_pid
"""


def test_the_seed_sample_splits_into_commands_with_functions_and_lines() -> None:
    script = parse_script(SEED_RUN_SH)
    assert script.functions == {"handle_sigterm": 4}
    handler = [(c.line, c.words[0]) for c in script.body("handle_sigterm")]
    assert handler == [(5, "echo"), (6, "["), (7, "sleep"), (8, "kill"), (9, "wait")]
    trap, server, _, wait = script.top_level()[1:]
    assert trap.words == ("trap", "handle_sigterm", "TERM")
    assert server.background and server.line == 14
    assert server.redirects == ((">", "/var/log/app.log"), (">&", "1"))
    assert wait.words == ("wait", "$gunicorn_pid")
    assert script.variables({})["gunicorn_pid"] == "$!"


def test_one_line_functions_and_function_keyword() -> None:
    script = parse_script("function stop { sleep 60; kill $pid; }\nstart() { python app.py & }\n")
    assert [c.words[0] for c in script.body("stop")] == ["sleep", "kill"]
    assert [c.background for c in script.body("start")] == [True]


def test_continuation_lines_keep_their_own_line_numbers_for_findings() -> None:
    command = parse_script("gunicorn -k gevent \\\n  -b 127.0.0.1:8080 app:app\n").commands[0]
    assert command.words[4] == "127.0.0.1:8080"
    assert command.at("127.0.0.1") == {"line": 2, "column": 6}


def test_variables_expand_as_the_shell_does() -> None:
    variables = parse_script("export PORT=${PORT:-8080}\nHOST=0.0.0.0\n").variables(
        {"PORT": "8000"}
    )
    assert variables == {"PORT": "8000", "HOST": ANY_ADDRESS}
    assert expand("${HOST}:${PORT}", variables) == f"{ANY_ADDRESS}:8000"
    assert expand("${MISSING:-9090} ${PORT:+set}", variables) == "9090 set"


def test_sleep_durations_with_gnu_suffixes() -> None:
    def sleep(*words: str) -> float | None:
        return sleep_seconds(Command(("sleep", *words), 1, ""))

    assert (sleep("60"), sleep("1m"), sleep("30s", "30"), sleep("$WAIT")) == (60, 60, 60, None)


def test_servers_are_recognised_with_their_defaults() -> None:
    def launch(line: str, **env: str):  # type: ignore[no-untyped-def]
        return recognise(parse_script(line).commands[0], env)

    gunicorn = launch("python -m gunicorn --bind=0.0.0.0:8080 app:app")
    assert (gunicorn.worker, gunicorn.keepalive, gunicorn.graceful) == ("sync", 2, 30)
    assert [(x.host, x.port) for x in gunicorn.listens] == [(ANY_ADDRESS, 8080)]
    # gunicorn binds 0.0.0.0:$PORT when PORT is set (gunicorn settings, bind)
    assert [(x.host, x.port) for x in launch("gunicorn app:app", PORT="8000").listens] == [
        (ANY_ADDRESS, 8000)
    ]
    uvicorn = launch("uvicorn app:app --host 0.0.0.0")
    assert [(x.host, x.port) for x in uvicorn.listens] == [(ANY_ADDRESS, 8000)]
    assert uvicorn.graceful is None  # waits for connections without a bound
    assert launch("flask run").listens[0].port == 5000
    assert launch("echo gunicorn") is None
