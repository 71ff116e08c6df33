"""What emulator tests share: a fake clock, realistic specs, signed clients, served emulators
(in a thread, or ``deploykit emulator serve`` in a subprocess)."""

from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from typing import IO, Any

import httpx
from pydantic import SecretStr

from deploykit.clients.alibaba._signer import Acs3Auth
from deploykit.emulator import (
    DEFAULT_ACCESS_KEY_ID,
    DEFAULT_ACCESS_KEY_SECRET,
    Emulator,
    EmulatorCore,
    Timings,
)

DEPLOYKIT = [sys.executable, "-c", "from deploykit.cli.app import run; run()"]
REGION = "cn-shanghai"
BASE_URL = f"https://pai-eas.{REGION}.aliyuncs.com"
# Ten seconds per phase makes every transition easy to land on with a fake clock.
SLOW = Timings(accept=10.0, per_instance=5.0)


class FakeClock:
    """Seconds since the epoch, moved only by the test (2026-11-22T03:00:00Z to start)."""

    def __init__(self) -> None:
        self.now = 1_795_316_400.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds

    def as_datetime(self) -> datetime:
        return datetime.fromtimestamp(self.now, timezone.utc)


def image_service(
    name: str = "image_test",
    instance: int = 2,
    image: str = "registry-vpc.cn-shanghai.aliyuncs.com/eas-demo/image-classify:1.0.2",
    port: int = 8000,
) -> dict[str, Any]:
    """A custom-image service as users write it (reference/eas.md §1.2, §1.5, §1.13)."""
    return {
        "metadata": {"name": name, "instance": instance, "cpu": 2, "memory": 4000},
        "cloud": {"computing": {"instance_type": "ecs.c6.large"}},
        "containers": [
            {
                "image": image,
                "command": "python /app/serve.py",
                "port": port,
                "env": [{"name": "MODEL_DIR", "value": "/models/resnet50"}],
            }
        ],
        "storage": [
            {
                "mount_path": "/models",
                "oss": {"path": "oss://examplebucket/models/", "readOnly": True},
            }
        ],
    }


def signed_client(
    emulator: Emulator,
    clock: FakeClock | None = None,
    *,
    access_key_id: str = DEFAULT_ACCESS_KEY_ID,
    secret: str = DEFAULT_ACCESS_KEY_SECRET,
    security_token: str | None = None,
) -> httpx.Client:
    auth = Acs3Auth(
        access_key_id,
        SecretStr(secret),
        security_token=SecretStr(security_token) if security_token else None,
        clock=clock.as_datetime if clock else None,
    )
    return httpx.Client(transport=emulator.mock_transport(), base_url=BASE_URL, auth=auth)


def create(client: httpx.Client, spec: dict[str, Any]) -> httpx.Response:
    return client.post(
        "/api/v2/services",
        content=json.dumps(spec),
        headers={"content-type": "application/json; charset=utf-8"},
    )


def describe(client: httpx.Client, name: str = "image_test") -> dict[str, Any]:
    response = client.get(f"/api/v2/services/{REGION}/{name}")
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def serving(emulator: EmulatorCore) -> Iterator[ServedEmulator]:
    """``emulator`` served for one test (``yield from`` it in a fixture), closed afterwards."""
    with ServedEmulator(emulator) as server:
        yield server
    emulator.close()


class ServedEmulator:
    """``emulator.asgi_app()`` under uvicorn in a thread on 127.0.0.1:<free port>."""

    def __init__(self, emulator: EmulatorCore) -> None:
        import socket
        import threading

        import uvicorn

        # IPPROTO_TCP, as `emulator serve` does, so asyncio sets TCP_NODELAY on connections.
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        self._socket.bind(("127.0.0.1", 0))
        self.port: int = self._socket.getsockname()[1]
        config = uvicorn.Config(emulator.asgi_app(), log_level="warning", lifespan="on")
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [self._socket]}, daemon=True
        )

    def __enter__(self) -> ServedEmulator:
        import time

        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            assert time.monotonic() < deadline, "uvicorn did not start within 10 s"
            time.sleep(0.01)
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=10)
        self._socket.close()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def first_line(stream: IO[str], timeout: float = 20.0) -> str:
    """The first line a subprocess prints (``emulator serve``'s banner), without hanging."""
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: lines.put(stream.readline()), daemon=True).start()
    return lines.get(timeout=timeout)


@contextmanager
def emulator_serve(*options: str, env: dict[str, str] | None = None) -> Iterator[str]:
    """`deploykit emulator serve --port 0 OPTIONS` in a subprocess; yields the URL it printed.
    Ctrl-C when done."""
    process = subprocess.Popen(
        [*DEPLOYKIT, "emulator", "serve", "--port", "0", *options],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env={**os.environ, **(env or {})},
    )
    try:
        assert process.stdout is not None
        yield first_line(process.stdout).split(" on ", 1)[1].split(" ", 1)[0]
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=15)
        if process.stdout:
            process.stdout.close()
