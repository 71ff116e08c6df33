"""The deploy seam: a table of platforms, each saying how to connect, load, read and print.

Deploy commands (``deploykit.cli.deploy``) never name a cloud: they look the ``--platform`` up
here, ``connect`` to get a :class:`~deploykit.clients._api.ServiceClient`, and print through
the platform's :class:`ServiceView` and ``deploy/eascmd_text.py``'s line shapes.

Developer note: plugging in a platform (PAI-EAS and ModelArts are the worked cases)
===================================================================================

1. Credentials — ``deploykit/credentials/huawei.py``: a key (``credentials.AccessKey`` or a
   subclass: ``HuaweiKey`` adds the project) and a provider implementing
   :class:`deploykit.credentials.Provider`: ``section_prefix`` ("modelarts:"),
   ``from_section(section, place)`` and ``from_environment(env)`` (both one
   ``credentials.read_source`` over a table of names: the SDK's own, e.g.
   ``HUAWEICLOUD_SDK_AK``/``_SK``/``_PROJECT_ID``), ``cloud_file(env, profile) -> (path,
   section)`` (``credentials.sdk_file``), ``missing(looked_at) -> ConfigError`` and
   ``region_places(env)``. ``credentials.resolve(provider, ...)``
   applies the one order; ``credentials.require(provider, settings)`` raises ``missing``.
   ``deploykit config --platform modelarts`` then writes ``[modelarts:<profile>]``.

2. Client — ``deploykit/clients/huawei/``:
   * an ``httpx.Auth`` that signs (SDK-HMAC-SHA256) and/or adds the IAM token; it is given
     to ``clients._http.build_client(base_url, auth=..., transport=..., log=...)``, which
     also logs with ``deploykit.secrets`` redaction (X-Auth-Token, X-Subject-Token and
     X-Security-Token are already secret headers);
   * a ``clients._api.Dialect`` subclass: ``api``, ``request_id_header`` ("X-Request-Id"),
     ``error_rules`` (tuple of ``ErrorRule(error, hint, statuses=..., codes=...)``, first
     match wins), ``operation_headers(action, *, has_body)``, ``answer_fields(body) ->
     AnswerFields(code, message, request_id)``, ``is_retryable(status, code)``,
     ``is_refusal(status, code)`` (retryable and did nothing: 429), optionally
     ``retry_after(response)`` (default: the standard ``Retry-After``);
   * a client class ``class ModelArtsClient(ApiClient)`` implementing the
     ``ServiceClient`` protocol: ``create(spec) -> Reply`` (wrap the send in
     ``self.once_only(send, settled=...)`` so a lost answer is resolved by describing, never
     by sending twice), ``describe/find(name)``, ``update(name, spec, *, replace)``,
     ``delete/start/stop(name) -> Reply`` (``once_only`` too), ``scale(name, n)``,
     ``list_services()``, ``progress(service) -> Progress`` (map each status to a
     ``clients._wait.Phase``: running, stopped, failed, …, anything else PROGRESSING; fill
     ``current_version``/``latest_version`` where the API has them) and
     ``live_spec(service)`` (what ``plan`` diffs against). Requests go through
     ``self.send(action, method, path, params=..., body=...)``: retried by the policy, or
     one attempt with ``retry=False`` (inside ``once_only``); it honours ``--timeout``.
     Lists page with ``self.pages(read, first=..., items=..., total=..., size=...)``. Where
     a create has more to do than one call (ModelArts: import a model, wait until
     published, then deploy), the client does it and reports what it waits for through
     ``options.on_progress``; ``Reply.no_service`` says it made nothing to wait for
     (``--model-only``).

3. Platform — ``deploykit/platforms/modelarts.py``: an object implementing
   :class:`Platform` (``name``, ``title``, ``credentials``, ``view``,
   ``connect(target, options) -> ServiceClient``, ``load_specs(paths) -> LoadedSpecs``), typed
   ``MODELARTS: Platform = ModelArtsPlatform()`` so mypy checks it. ``connect`` finds
   credentials, ``--endpoint`` and region with ``platforms._endpoint.locate(provider,
   target, env, region_in_host=..., local_region=..., ...)`` (pass ``Endpoint.note`` to
   ``options.notice``) and builds the client with ``options.policy/on_retry/log/transport``;
   for ``--endpoint local`` (``Location.local``) it opens the platform's emulator with
   ``emulator.embedded(platform, key, region)`` and uses its ``mock_transport()``. ``load_specs``
   calls ``deploy.specs.load_specs(paths, platform="modelarts", name_of=..., what=...)``,
   which validates before anything is sent.
   The :class:`ServiceView` prints: ``created_rows``, ``desc_text``, ``ls_text``,
   ``document`` (use ``deploy.eascmd_text.key_value_table``/``column_table`` for the same
   shapes as eascmd, and ``secrets.redact_json`` for anything from the API; the token only
   with ``show_token``). Register it: one line in :data:`PLATFORMS` below. ``create``'s own
   options (``--name``, ``--model-version``, …, PRODUCT.md) reach the platform as one
   :class:`CreateOptions` (``load_specs(paths, options=...)``, and ``Change.options`` in
   ``load_change(client, name, change)``, which turns ``modify``'s :class:`Change` into the
   body ``update`` is sent), declared once in ``cli/_deploy_options.py``; a platform refuses
   those it has no use for (EAS: all).

4. Emulator — ``deploykit/emulator/modelarts/``: a ``CloudApi`` (``emulator._cloud_api``):
   ``new_request_id()``, ``gateway(request, now) -> Reply | None`` (a service's own
   inference endpoint, for ``invoke``; None for management calls, and always None for
   ModelArts so far), ``authenticate(request, now)`` (signature or token check; raise an
   ``ApiFailure(status, code, message)`` subclass carrying the cloud's error table),
   ``operate(request, now) -> Answer(body, created=...)`` (route + operation in one
   ``store.transaction()``; ``created=True`` lets the lost-create fault fire), and the
   answers, inherited from ``JsonAnswers`` (``content_type``, ``request_id_header``,
   ``error_body``, ``fault_failure`` — ``Fault.UNAVAILABLE``/``INTERNAL``/``THROTTLE`` in the
   cloud's words; ``INTERNAL`` also answers a bug — and ``retry_after_header``). Routes are
   a ``Routes`` table. The core checks the body size first (``_request_limits``; parse JSON
   bodies with its ``parse_json_object(body, what, invalid=...)``). Records go in the shared
   ``emulator._store.Store`` as JSON under kinds of your own (a ``Table(tx, kind,
   load=..., dump=..., key=...)``, ``load_dataclass``/``dump_dataclass`` for dataclass
   records); statuses move with an ``emulator._lifecycle.Lifecycle(phases, busy_messages,
   failed=...)`` (its phases need a ``create`` row). A class ``ModelArtsEmulator
   (EmulatorCore)`` wires api, store, faults, latency and clock, and implements
   ``from_settings(EmulatorSettings)``, ``banner(url)`` and, if it points at itself,
   ``serve_at(url)``; register it in ``emulator._emulator.EMULATORS`` and ``deploykit
   emulator serve --platform modelarts`` serves it, over ASGI and MockTransport.

The EAS and ModelArts files are the references for each step: ``credentials/{alibaba,
huawei}.py``, ``clients/alibaba/`` and ``clients/huawei/``, ``platforms/{eas,modelarts}.py``,
``emulator/{eas,modelarts}/``. Where a second platform repeats the first, the shared part
belongs in the seam (``duplicates --change`` shows such pairs).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from deploykit.errors import ConfigError
from deploykit.platforms._contract import (
    Change,
    ConnectOptions,
    CreateOptions,
    Platform,
    ServiceView,
    Target,
)

if TYPE_CHECKING:
    import httpx

    from deploykit.clients._api import ServiceClient
    from deploykit.clients._retry import RetryableFailure, RetryPolicy
    from deploykit.clients._wait import Progress

__all__ = [
    "PLATFORMS",
    "Change",
    "ConnectOptions",
    "CreateOptions",
    "Platform",
    "ServiceView",
    "Target",
    "connect",
    "get",
]

# --platform value → "module:attribute" of its Platform. Imported on first use, like
# validation.CHECKERS: `deploykit config` and `--help` must not load every cloud.
PLATFORMS: Mapping[str, str] = {
    "eas": "deploykit.platforms.eas:EAS",
    "modelarts": "deploykit.platforms.modelarts:MODELARTS",
}


def get(name: str) -> Platform:
    """The platform called ``name``; ``ConfigError`` (exit 2) for any other."""
    where = PLATFORMS.get(name)
    if where is None:
        raise ConfigError(
            f"--platform {name!r} is not one of: {', '.join(PLATFORMS)}",
            hint="e.g. --platform eas",
        )
    module, _, attribute = where.partition(":")
    platform: Platform = getattr(importlib.import_module(module), attribute)
    return platform


def connect(
    target: Target,
    *,
    log: Callable[[str], None] | None = None,
    notice: Callable[[str], None] | None = None,
    policy: RetryPolicy | None = None,
    on_retry: Callable[[RetryableFailure, float], None] | None = None,
    env: Mapping[str, str] | None = None,
    transport: httpx.BaseTransport | None = None,
    on_progress: Callable[[str, Progress], None] | None = None,
) -> ServiceClient:
    """A client for ``target`` on its platform; ``transport`` overrides the network."""
    options = ConnectOptions(log, notice, on_retry, policy, env, transport, on_progress)
    return get(target.platform).connect(target, options)
