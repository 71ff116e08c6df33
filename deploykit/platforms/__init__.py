"""The deploy seam: a table of platforms. (Developer note: see the end of this docstring.)"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from deploykit.errors import ConfigError
from deploykit.platforms._contract import ConnectOptions, Platform, ServiceView, Target

if TYPE_CHECKING:
    import httpx

    from deploykit.clients._api import ServiceClient
    from deploykit.clients._retry import RetryableFailure, RetryPolicy

__all__ = ["PLATFORMS", "ConnectOptions", "Platform", "ServiceView", "Target", "connect", "get"]

# --platform value → "module:attribute" of its Platform. Imported on first use, like
# validation.CHECKERS: `deploykit config` and `--help` must not load every cloud.
PLATFORMS: Mapping[str, str] = {
    "eas": "deploykit.platforms.eas:EAS",
}
# Platforms the product names (PRODUCT.md) that cannot deploy yet.
_COMING = ("modelarts",)


def get(name: str) -> Platform:
    """The platform called ``name``; ``ConfigError`` (exit 2) for any other."""
    where = PLATFORMS.get(name)
    if where is None:
        if name in _COMING:
            raise ConfigError(
                f"deploying to {name!r} is not supported yet; only PAI-EAS is",
                hint="use --platform eas, or convert the spec with "
                "`deploykit convert SPEC --to eas` first",
            )
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
) -> ServiceClient:
    """A client for ``target`` on its platform; ``transport`` overrides the network."""
    options = ConnectOptions(log, notice, on_retry, policy, env, transport)
    return get(target.platform).connect(target, options)
