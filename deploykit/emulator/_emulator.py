"""The emulator core: one framework-free ``handle`` that both transports call.

``handle(method, raw_path, headers, body)`` → :class:`Reply`: a request for a service's own
endpoint goes to the platform's gateway (no faults, no signatures); any other meets the
faults first (they never touch state), then the body limit, then the platform's
authentication (signature, dates, nonces), then the operation, then — for a committed create
only — the "response lost" fault. ``mock_transport()`` serves it in-process to httpx (tests,
``--endpoint local``); ``asgi_app()`` serves it over HTTP under uvicorn (``deploykit emulator
serve``).

What differs between clouds is a :class:`~deploykit.emulator._cloud_api.CloudApi`: how
requests are authenticated and routed, and how answers, errors and faults look.
``emulator/eas/`` is PAI-EAS's, ``emulator/modelarts/`` ModelArts's; :data:`EMULATORS` lists
what ``emulator serve`` and ``--endpoint local`` (:func:`embedded`) can run.
"""

from __future__ import annotations

import importlib
import logging
import sqlite3
import time
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from deploykit.emulator._cloud_api import ApiFailure, CloudApi, Reply, Request
from deploykit.emulator._faults import Fault, FaultInjector, Faults
from deploykit.emulator._request_limits import check_body_size
from deploykit.emulator._store import Store, local_state_path
from deploykit.errors import ConfigError

if TYPE_CHECKING:
    import httpx

    from deploykit.credentials import AccessKey
    from deploykit.emulator._asgi import AsgiApp

_log = logging.getLogger("deploykit.emulator")


@dataclass(frozen=True)
class EmulatorSettings:
    """What ``deploykit emulator serve`` asks of any platform's emulator. Each takes what
    applies to its cloud and refuses, with a ``ConfigError``, what does not."""

    store: str | Path | None = None  # None: in memory
    credentials: Mapping[str, str] | None = None  # AccessKey ID → secret; None: the defaults
    region: str | None = None  # None: the platform's default
    project_id: str | None = None
    token: str | None = None
    faults: Faults | None = None
    latency: float = 0.0
    known_images: Collection[str] | None = None
    # Seconds an updated service keeps reporting its old state (Timings.rollout_lag).
    rollout_lag: float = 0.0


def embedded(
    platform: str, key: AccessKey, region: str, *, project_id: str | None = None
) -> EmulatorCore:
    """``--endpoint local``: ``platform``'s emulator in this process, its state in the file
    every later command shares (``local_state_path``), accepting exactly the key the client
    signs with — its signature checks still run. ``ConfigError`` for an unusable state file."""
    state = local_state_path()
    settings = EmulatorSettings(
        store=state,
        credentials={key.access_key_id: key.access_key_secret.get_secret_value()},
        region=region,
        project_id=project_id,
    )
    try:
        return open_emulator(platform, settings)
    except (sqlite3.Error, OSError) as err:
        raise ConfigError(
            f"--endpoint local: cannot open the state file {state}: {err}",
            hint="point DEPLOYKIT_EMULATOR_STATE at a writable file (or unset it)",
        ) from None


class EmulatorCore:
    """Faults, limits, authentication and operations of one :class:`CloudApi` over one store.

    A platform's emulator subclasses it, builds its ``CloudApi``, and adds ``from_settings``
    (for ``emulator serve``) and ``banner`` (the line serve prints)."""

    def __init__(
        self,
        api: CloudApi,
        store: Store,
        *,
        faults: Faults | None = None,
        latency: float = 0.0,
        clock: Callable[[], float] | None = None,
    ) -> None:
        self._api = api
        self._store = store
        self._faults = FaultInjector(faults or Faults())
        self._clock = clock or time.time
        self.latency = latency

    @property
    def injected_faults(self) -> dict[str, int]:
        """Faults injected so far by this emulator: drop, 5xx, throttle, lost_create."""
        return dict(self._faults.injected)

    def handle(
        self, method: str, raw_path: bytes, headers: Sequence[tuple[str, str]], body: bytes
    ) -> Reply:
        """Answer one HTTP request. Never raises: every failure is an API error reply."""
        request = Request(method.upper(), raw_path, headers, body)
        direct = self._api.gateway(request, self._clock())
        if direct is not None:
            return direct
        request_id = self._api.new_request_id()
        try:
            fault = self._faults.before_request()
            if fault is Fault.DROP:
                return Reply(0, drop=True)
            if fault is not Fault.NONE:
                return self._api.fault_reply(fault, self._faults.faults.retry_after_ms, request_id)
            now = self._clock()
            check_body_size(len(body))  # before anything reads it, as a gateway would
            self._api.authenticate(request, now)
            answer = self._api.operate(request, now)
        except ApiFailure as failure:
            return self._api.error_reply(failure, request_id)
        except Exception:  # a bug: logged, and answered in the real shape, never a bare 500
            _log.exception("emulator: request %s failed", request_id)
            return self._api.fault_reply(Fault.INTERNAL, 0, request_id)
        if answer.created and self._faults.lose_create_response():
            return Reply(0, drop=True)
        return self._api.reply(answer, request_id)

    def mock_transport(self) -> httpx.MockTransport:
        """An in-process transport for ``httpx.Client(transport=…)``; latency is slept."""
        import httpx

        def respond(request: httpx.Request) -> httpx.Response:
            if self.latency:
                time.sleep(self.latency)
            reply = self.handle(
                request.method, request.url.raw_path, request.headers.multi_items(), request.read()
            )
            if reply.drop:
                # httpx's own words when a server closes the connection before answering.
                raise httpx.RemoteProtocolError(
                    "Server disconnected without sending a response.", request=request
                )
            return httpx.Response(reply.status, headers=reply.headers, content=reply.body)

        return httpx.MockTransport(respond)

    def asgi_app(self) -> AsgiApp:
        """An ASGI 3 app for uvicorn: concurrent requests, latency via ``asyncio.sleep``."""
        from deploykit.emulator._asgi import AsgiApp

        return AsgiApp(self)

    @classmethod
    def from_settings(cls, settings: EmulatorSettings) -> EmulatorCore:
        """The emulator ``deploykit emulator serve`` runs for these settings."""
        raise NotImplementedError(f"{cls.__name__} cannot be served")

    def serve_at(self, url: str) -> None:
        """Told by ``emulator serve`` where it is reached (a loopback URL), for what the
        platform points at itself (EAS: service endpoints). Nothing by default."""

    def banner(self, url: str) -> str:
        """The line ``emulator serve`` prints first: where it listens, and for whom. Scripts
        wait for it; it never shows a secret the user chose."""
        raise NotImplementedError(f"{type(self).__name__} cannot be served")

    def close(self) -> None:
        self._store.close()


# --platform value → "module:class" of its emulator (an EmulatorCore with from_settings).
EMULATORS = {
    "eas": "deploykit.emulator.eas:Emulator",
    "modelarts": "deploykit.emulator.modelarts:ModelArtsEmulator",
}


def open_emulator(platform: str, settings: EmulatorSettings) -> EmulatorCore:
    """The emulator of ``platform`` for ``emulator serve``; ``ConfigError`` for an unknown
    platform or settings it cannot take."""
    where = EMULATORS.get(platform)
    if where is None:
        raise ConfigError(f"--platform {platform!r} is not one of: {', '.join(EMULATORS)}")
    module, _, name = where.partition(":")
    emulator: type[EmulatorCore] = getattr(importlib.import_module(module), name)
    return emulator.from_settings(settings)
