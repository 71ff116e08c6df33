"""The PAI-EAS management API, locally: the same paths, bodies, errors and signatures.

    from deploykit.emulator import Emulator
    emu = Emulator()                                   # in memory, default credentials
    client = httpx.Client(transport=emu.mock_transport(), base_url="http://pai-eas.local")

``Emulator(store=local_state_path())`` keeps state in SQLite so separate processes agree;
``emu.asgi_app()`` runs under uvicorn (``deploykit emulator serve``). Importing this package
imports httpx (the signer's module); ``deploykit validate`` never imports it.

Beyond create/describe/update/delete/start/stop/scale it serves DescribeServiceEvent,
ListServiceInstances, DescribeServiceLog, ListServiceVersions, UpdateServiceVersion and
RestartService, and a gateway for each service's endpoint (``POST <endpoint>[/…]`` with the
service token in ``Authorization``; ``gateway_url`` points endpoints at a served emulator).
To make a service fail as real ones do, put ``crashloop`` or ``oomkill`` in its image
reference (``…/image-classify:crashloop``); ``Timings(rollout_lag=S)`` keeps an updated
service reporting Running at its old version for S seconds.
"""

from deploykit.emulator._emulator import (
    DEFAULT_ACCESS_KEY_ID,
    DEFAULT_ACCESS_KEY_SECRET,
    Emulator,
    Reply,
)
from deploykit.emulator._faults import Faults
from deploykit.emulator._lifecycle import Timings
from deploykit.emulator._store import local_state_path

__all__ = [
    "DEFAULT_ACCESS_KEY_ID",
    "DEFAULT_ACCESS_KEY_SECRET",
    "Emulator",
    "Faults",
    "Reply",
    "Timings",
    "local_state_path",
]
