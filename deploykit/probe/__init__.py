"""Custom-image conformance of a running server: ``deploykit probe``.

Names are imported on first use (PEP 562): ``deploykit rules`` imports
:mod:`deploykit.probe.findings`, and must not pay for (or load) httpx through this package.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__all__ = ["ProbeOptions", "Window", "probe"]

_EXPORTS = {
    "ProbeOptions": "deploykit.probe.conformance",
    "Window": "deploykit.probe.sigterm",
    "probe": "deploykit.probe.conformance",
}

if TYPE_CHECKING:
    from deploykit.probe.conformance import ProbeOptions, probe
    from deploykit.probe.sigterm import Window


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'deploykit.probe' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
