"""``deploykit emulator serve``: a platform's emulator over HTTP, for users' CI (PRODUCT.md).

Parses options into ``EmulatorSettings``, opens the ``--platform``'s emulator with them
(``deploykit.emulator.open_emulator``) and runs its ASGI app under uvicorn on a socket bound
here, so the one line printed at start names the real port (``--port 0`` picks a
free one). uvicorn, starlette-free ASGI and httpx are imported inside the command only: this
module is imported at every CLI start-up.
"""

from __future__ import annotations

import signal
import socket
import sys
import threading
from types import FrameType
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from deploykit.cli import _console
from deploykit.cli._exit import ExitCode
from deploykit.errors import ConfigError

if TYPE_CHECKING:
    from deploykit.emulator import EmulatorSettings

# The port the client's --endpoint examples use (http://127.0.0.1:8765).
DEFAULT_PORT = 8765
# Wildcard listen addresses, and the loopback address a local client reaches them at.
_LOOPBACK = {"0.0.0.0": "127.0.0.1", "::": "[::1]", "": "127.0.0.1"}  # noqa: S104 - a lookup


def serve_command(
    platform: Annotated[str, typer.Option(help="eas | modelarts", metavar="PLATFORM")] = "eas",
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[
        int, typer.Option(help="Port to listen on; 0 picks a free one.", min=0, max=65535)
    ] = DEFAULT_PORT,
    access_key_id: Annotated[
        Optional[str],  # noqa: UP045 - typer reads this annotation at runtime on 3.10
        typer.Option(help="The one AccessKey ID accepted (default: the documented one)."),
    ] = None,
    access_key_secret: Annotated[
        Optional[str],  # noqa: UP045 - typer reads this annotation at runtime on 3.10
        typer.Option(help="Its secret; never printed.", show_default=False),
    ] = None,
    region: Annotated[
        Optional[str],  # noqa: UP045 - typer reads this annotation at runtime on 3.10
        typer.Option(help="The region it serves (default: cn-shanghai for EAS, cn-north-4 for "
                     "ModelArts).", metavar="REGION"),
    ] = None,
    latency: Annotated[float, typer.Option(help="Seconds added to every call.", min=0.0)] = 0.0,
    fail_rate: Annotated[
        float, typer.Option(help="Share of calls answered 500/503.", min=0.0, max=1.0)
    ] = 0.0,
    throttle_rate: Annotated[
        float,
        typer.Option(help="Share of calls throttled (EAS: 400 Throttling.User; ModelArts: 429 "
                     "ModelArts.6101).", min=0.0, max=1.0),
    ] = 0.0,
    retry_after_ms: Annotated[
        int,
        typer.Option(help="The wait a throttled answer asks for, in ms (EAS: x-acs-retry-after; "
                     "ModelArts: Retry-After, rounded up to seconds).", min=0)
    ] = 200,
    drop_rate: Annotated[
        float, typer.Option(help="Share of connections closed unanswered.", min=0.0, max=1.0)
    ] = 0.0,
    lost_create_rate: Annotated[
        float,
        typer.Option(help="Share of creates (services; ModelArts models too) done but unanswered.",
                     min=0.0, max=1.0),
    ] = 0.0,
    seed: Annotated[
        Optional[int],  # noqa: UP045 - typer reads this annotation at runtime on 3.10
        typer.Option(help="Seed for the fault draws (reproducible runs)."),
    ] = None,
    state: Annotated[
        Optional[str],  # noqa: UP045 - typer reads this annotation at runtime on 3.10
        typer.Option(
            help="SQLite file to keep services in (default: memory); 'local' is the file "
            "--endpoint local uses, so both see the same services.",
            metavar="PATH",
        ),
    ] = None,
    known_image: Annotated[
        Optional[list[str]],  # noqa: UP045 - typer reads this annotation at runtime on 3.10
        typer.Option(help="Only these images exist (repeatable): others fail (an EAS service, a "
                     "ModelArts model)."),
    ] = None,
    rollout_lag: Annotated[
        float,
        typer.Option(
            help="EAS: seconds an updated service keeps reporting Running at its old version "
            "before it goes Updating (the hazard a wait must see through).",
            min=0.0,
        ),
    ] = 0.0,
    project_id: Annotated[
        Optional[str],  # noqa: UP045 - typer reads this annotation at runtime on 3.10
        typer.Option(help="ModelArts project id (--platform modelarts).", metavar="ID"),
    ] = None,
    token: Annotated[
        Optional[str],  # noqa: UP045 - typer reads this annotation at runtime on 3.10
        typer.Option(
            help="ModelArts IAM token accepted (--platform modelarts).", show_default=False
        ),
    ] = None,
) -> None:
    """Serve a platform's management API locally until Ctrl-C."""
    if (access_key_id is None) != (access_key_secret is None):
        raise ConfigError(
            "--access-key-id and --access-key-secret go together",
            hint="give both, or neither for the documented defaults",
        )
    from deploykit.emulator import EmulatorSettings, Faults, local_state_path

    try:
        faults = Faults(fail_rate, throttle_rate, retry_after_ms, drop_rate, lost_create_rate, seed)
    except ValueError as err:
        raise ConfigError(
            f"fault rates: {err}", hint="keep --fail-rate + --throttle-rate + --drop-rate <= 1"
        ) from None
    settings = EmulatorSettings(
        store=local_state_path() if state == "local" else state,
        credentials=None if access_key_id is None else {access_key_id: access_key_secret or ""},
        region=region,
        project_id=project_id,
        token=token,
        faults=faults,
        latency=latency,
        known_images=known_image or None,
        rollout_lag=rollout_lag,
    )
    _serve(platform, host, port, settings)


def _serve(platform: str, host: str, port: int, settings: EmulatorSettings) -> None:
    import sqlite3

    import uvicorn

    from deploykit.emulator import open_emulator

    try:
        emulator = open_emulator(platform, settings)
    except (sqlite3.Error, OSError) as err:
        raise ConfigError(
            f"cannot open the state file {settings.store}: {err}",
            hint="give --state a writable file path, or leave it out to keep state in memory",
        ) from None
    listener = _bind(host, port)
    bound_port = listener.getsockname()[1]
    url_host = f"[{host}]" if ":" in host else host  # RFC 3986: IPv6 literals in brackets
    # An address listening on every interface is reached locally through loopback: the
    # emulator points what it serves (EAS: service endpoints, for `invoke`) there.
    emulator.serve_at(f"http://{_LOOPBACK.get(host, url_host)}:{bound_port}")
    _console.out(emulator.banner(f"http://{url_host}:{bound_port}"))
    sys.stdout.flush()  # the line is what scripts wait for; do not leave it in a pipe buffer
    _console.note("press Ctrl-C to stop")
    config = uvicorn.Config(emulator.asgi_app(), log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    interrupted: list[int] = []

    def on_sigint(signum: int, _frame: FrameType | None) -> None:
        # After a graceful stop uvicorn restores this handler and re-raises the signal: note
        # it, so the command ends as interrupted commands do (exit 130) whatever SIGINT
        # disposition the shell gave us (background jobs start with it ignored). Before
        # uvicorn has taken over, a Ctrl-C interrupts right away.
        interrupted.append(signum)
        if not server.started:
            raise SystemExit(ExitCode.INTERRUPTED)

    in_main_thread = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGINT, on_sigint) if in_main_thread else None
    try:
        server.run(sockets=[listener])
    finally:
        listener.close()
        emulator.close()
        if in_main_thread:
            signal.signal(signal.SIGINT, previous)
    if interrupted:
        # SystemExit, as validate and deploy do: typer turns a KeyboardInterrupt into an
        # exit code it *returns* with standalone_mode=False, which app.main does not read.
        _console.note("interrupted")
        raise SystemExit(ExitCode.INTERRUPTED)


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # IPPROTO_TCP explicitly: asyncio turns Nagle off (TCP_NODELAY) only on sockets whose
    # proto says TCP; with proto 0 every answer (headers, then body: two writes) would wait
    # ~40 ms for the client's delayed ACK.
    listener = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        listener.bind((host, port))
    except OSError as err:
        listener.close()
        raise ConfigError(
            f"cannot listen on {host}:{port}: {err.strerror}",
            hint="choose another --port (0 picks a free one) or stop what uses it",
        ) from None
    listener.listen(128)
    return listener


def register(app: typer.Typer) -> None:
    group = typer.Typer(
        name="emulator",
        help="Run the platform APIs locally (for tests and CI).",
        no_args_is_help=True,
    )
    group.command("serve")(serve_command)
    app.add_typer(group, name="emulator")
