"""The PAI-EAS and ModelArts management APIs, locally: the same paths, bodies, errors and
signatures.

    from deploykit.emulator import Emulator, ModelArtsEmulator
    emu = Emulator()                                   # PAI-EAS, in memory, default credentials
    client = httpx.Client(transport=emu.mock_transport(), base_url="http://pai-eas.local")
    modelarts = ModelArtsEmulator()                    # ModelArts v1 models and services

``Emulator(store=local_state_path())`` keeps state in SQLite so separate processes agree;
``emu.asgi_app()`` runs under uvicorn (``deploykit emulator serve``). Importing this package
imports httpx (the signer's module); ``deploykit validate`` never imports it.

For PAI-EAS, beyond create/describe/update/delete/start/stop/scale it serves
DescribeServiceEvent, ListServiceInstances, DescribeServiceLog, ListServiceVersions,
UpdateServiceVersion and RestartService, and a gateway for each service's endpoint (``POST
<endpoint>[/…]`` with the service token in ``Authorization``; ``gateway_url`` points
endpoints at a served emulator). To make a service fail as real ones do, put ``crashloop`` or
``oomkill`` in its image reference (``…/image-classify:crashloop``); ``Timings(rollout_lag=S)``
keeps an updated service reporting Running at its old version for S seconds.

Inside: a cloud-free core (``_emulator``: the handler both transports take, over a
``_cloud_api.CloudApi``; ``_store``, ``_lifecycle``, ``_faults``, ``_request_limits``) and one
package of routes per platform (``eas/``, ``modelarts/``).
"""

from deploykit.emulator._cloud_api import Reply
from deploykit.emulator._emulator import (
    EMULATORS,
    EmulatorCore,
    EmulatorSettings,
    embedded,
    open_emulator,
)
from deploykit.emulator._faults import Faults
from deploykit.emulator._lifecycle import Timings
from deploykit.emulator._store import local_state_path
from deploykit.emulator.eas import DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET, Emulator
from deploykit.emulator.modelarts import ModelArtsEmulator

__all__ = [
    "DEFAULT_ACCESS_KEY_ID",
    "DEFAULT_ACCESS_KEY_SECRET",
    "EMULATORS",
    "Emulator",
    "EmulatorCore",
    "EmulatorSettings",
    "Faults",
    "ModelArtsEmulator",
    "Reply",
    "Timings",
    "embedded",
    "local_state_path",
    "open_emulator",
]
