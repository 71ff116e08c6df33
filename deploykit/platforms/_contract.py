"""What a platform supplies to the deploy commands (the seam), as typed protocols.

``deploykit.platforms`` holds the table of platforms and the developer note on plugging one
in; this module holds only the shapes: where to act (:class:`Target`), how the caller wants
the connection made (:class:`ConnectOptions`), and what a platform and its printer provide.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    import httpx

    from deploykit.clients._api import ServiceClient
    from deploykit.clients._retry import RetryableFailure, RetryPolicy
    from deploykit.clients._wait import Progress
    from deploykit.credentials import Provider
    from deploykit.deploy.specs import LoadedSpecs


@dataclass(frozen=True)
class Target:
    """Where and as whom deploy commands act; every field as the user gave it (or None)."""

    platform: str = "eas"
    profile: str | None = None
    region: str | None = None
    endpoint: str | None = None


@dataclass(frozen=True)
class ConnectOptions:
    """How the caller wants the client built. ``log``: ``--verbose`` request lines (already
    redacted); ``notice``: things the user must always be told (an assumed ``http://``);
    ``on_retry``: each retry and its cause; ``env`` and ``transport`` replace the process
    environment and the network (tests, the embedded emulator)."""

    log: Callable[[str], None] | None = None
    notice: Callable[[str], None] | None = None
    on_retry: Callable[[RetryableFailure, float], None] | None = None
    policy: RetryPolicy | None = None
    env: Mapping[str, str] | None = None
    transport: httpx.BaseTransport | None = None
    #: Progress of what an operation waits for before it can answer, with what it is
    #: (ModelArts: "Model [echo] version [1.0.0]" publishing before its service deploys).
    on_progress: Callable[[str, Progress], None] | None = None


@dataclass(frozen=True)
class CreateOptions:
    """``create``'s own options (PRODUCT.md: ``--name``, ``--model-version``, …), declared
    once in the CLI and given to ``Platform.load_specs``/``load_change``; None (or empty)
    where the user gave nothing. A platform refuses, with a ``ConfigError``, those it has no
    use for."""

    name: str | None = None
    model_version: str | None = None
    source_location: str | None = None
    specification: str | None = None
    instance: int | None = None
    envs: Mapping[str, str] = field(default_factory=dict)
    model_only: bool = False

    def given(self) -> list[str]:
        """The options the user gave, as flags (``--model-version``), for refusals."""
        return ["--" + f.name.replace("_", "-") for f in fields(self) if getattr(self, f.name)]


@dataclass(frozen=True)
class Change:
    """``modify``'s change as the user gave it: a partial spec file (``-s``) or ``-D
    key=value`` pairs, ``create``'s options it takes (``--model-version``) and
    ``--replace``."""

    spec: str | None = None
    pairs: Sequence[str] = ()
    options: CreateOptions = field(default_factory=CreateOptions)
    replace: bool = False


class ServiceView(Protocol):
    """How a platform's services print: eascmd's tables for EAS (reference/eas.md §2.3), the
    same shapes for the others. Every method hides secrets; the service token only shows with
    ``show_token`` (PRODUCT.md)."""

    def created_rows(
        self, service: Mapping[str, Any], *, show_token: bool
    ) -> list[tuple[str, str]]:
        """The table after a create: endpoints, then the token."""
        ...

    def desc_text(self, service: Mapping[str, Any], *, show_token: bool) -> str: ...

    def ls_text(self, services: Sequence[Mapping[str, Any]]) -> str: ...

    def document(self, service: Mapping[str, Any], *, show_token: bool) -> dict[str, Any]:
        """The service for ``--format json`` (``desc``, ``ls``)."""
        ...


class Platform(Protocol):
    """One cloud's model-service platform, as deploy commands use it."""

    #: The ``--platform`` value ("eas").
    name: str
    #: The platform's name in messages ("PAI-EAS").
    title: str
    @property
    def credentials(self) -> Provider[Any]:
        """Where its credentials come from; ``deploykit config --platform`` writes its
        profiles."""
        ...

    @property
    def view(self) -> ServiceView:
        """How its services print."""
        ...

    def connect(self, target: Target, options: ConnectOptions) -> ServiceClient:
        """A client for ``target``: credentials, endpoint, signing; ``--endpoint local`` is
        this platform's embedded emulator. ``ConfigError`` for anything missing or unsafe."""
        ...

    def load_specs(
        self, paths: Sequence[str], *, options: CreateOptions | None = None
    ) -> LoadedSpecs:
        """The specs under ``paths``, validated before anything is sent."""
        ...

    def load_change(self, client: ServiceClient, name: str, change: Change) -> LoadedSpecs:
        """``change`` to the live service ``name`` as the one body ``client.update`` is sent,
        checked before it is sent (EAS: merged into the live config and validated); a
        refused one has errors."""
        ...
