"""The service gateway: what a service's endpoint answers, so ``invoke`` can be tested.

A service's endpoints are ``<base>/api/predict/<name>`` (reference/eas.md §3.7), and clients
send the service token in ``Authorization`` (§3.7). The emulator answers any method on
``/api/predict/<name>[/<more>]``, on the same server as the management API (``emulator
serve``) and through the same in-process transport (``Emulator.mock_transport``):

* no such service: 404 with an empty body (the PAI SDK reads "404, empty body" as a gateway
  without the service yet, §3.4);
* ``Authorization`` is not the service's token: 401 (GUESS: body and status of EAS's refusal);
* no instance ready: 503 ``no healthy upstream`` — the answer the PAI SDK waits out after
  Running (§3.4). An instance that is Running serves, so a service mid-update whose old
  instances still run answers, as a rolling update does;
* otherwise 200 and an echo of the request as the instance saw it: ``method``, ``path``,
  ``query``, ``headers`` (all but ``Authorization``), ``body``, plus ``instance`` and
  ``version`` (which instance, of which version, answered), so tests see what was sent and
  what served it.

The management API's faults and signature checks do not apply here: the gateway is another
service.
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Callable, Sequence
from urllib.parse import unquote

from deploykit.clients.alibaba._signer import split_raw_path
from deploykit.emulator._instances import instances_at
from deploykit.emulator._lifecycle import Timings, snapshot
from deploykit.emulator._service_view import PREDICT_PREFIX
from deploykit.emulator._store import ServiceStore

_TEXT = ("content-type", "text/plain; charset=utf-8")
# (status, headers, body): what Emulator.handle turns into its Reply.
GatewayAnswer = tuple[int, list[tuple[str, str]], bytes]


def is_gateway_path(raw_path: bytes) -> bool:
    return raw_path.startswith(PREDICT_PREFIX.encode())


class Gateway:
    def __init__(self, store: ServiceStore, timings: Timings, clock: Callable[[], float]) -> None:
        self._store = store
        self._timings = timings
        self._clock = clock

    def answer(
        self, method: str, raw_path: bytes, headers: Sequence[tuple[str, str]], body: bytes
    ) -> GatewayAnswer:
        try:
            path, query = split_raw_path(raw_path)
        except UnicodeDecodeError:  # a raw path httpx would never send
            return 404, [], b""
        name = unquote(path[len(PREDICT_PREFIX) :].split("/", 1)[0])
        now = self._clock()
        with self._store.transaction() as tx:
            record = tx.get(name)
        snap = None if record is None else snapshot(record.operation, now, self._timings)
        if record is None or snap is None or snap.gone:
            return 404, [], b""
        token = next((v for k, v in headers if k.lower() == "authorization"), "")
        if not hmac.compare_digest(token.encode(), record.access_token.encode()):
            return 401, [_TEXT], b"Unauthorized: the Authorization header must be the token"
        serving = [i for i in instances_at(record, now, self._timings) if i.ready]
        if not serving:
            return 503, [_TEXT], b"no healthy upstream"
        echo = {
            "method": method.upper(),
            "path": path,
            "query": [[k, v] for k, v in query],
            "headers": {k.lower(): v for k, v in headers if k.lower() != "authorization"},
            "body": body.decode("utf-8", errors="replace"),
            "instance": serving[0].name,
            "version": serving[0].version,
        }
        return 200, [("content-type", "application/json")], json.dumps(echo).encode()
