"""deploykit: validate, convert, deploy and probe model services on PAI-EAS and ModelArts.

The public API is ``__all__``; names are imported on first use (PEP 562) so that
``import deploykit`` stays cheap for the cold ``deploykit validate`` path.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = [
    "ApiError",
    "AuthError",
    "ConfigError",
    "ConflictError",
    "ConversionError",
    "DeployKitError",
    "DeploymentFailed",
    "Diagnostic",
    "FileReport",
    "LoadedSpec",
    "NotFoundError",
    "Report",
    "Severity",
    "SpecError",
    "SpecRefused",
    "ThrottledError",
    "TransportError",
    "ValidateOptions",
    "WaitTimeout",
    "__version__",
    "convert",
    "load",
    "validate",
    "validate_paths",
]

# name -> "module:attribute"
_EXPORTS = {
    "ApiError": "deploykit.errors:ApiError",
    "AuthError": "deploykit.errors:AuthError",
    "ConfigError": "deploykit.errors:ConfigError",
    "ConflictError": "deploykit.errors:ConflictError",
    "ConversionError": "deploykit.errors:ConversionError",
    "DeployKitError": "deploykit.errors:DeployKitError",
    "DeploymentFailed": "deploykit.errors:DeploymentFailed",
    "Diagnostic": "deploykit.diagnostics:Diagnostic",
    "FileReport": "deploykit.diagnostics:FileReport",
    "LoadedSpec": "deploykit.loading:LoadedSpec",
    "NotFoundError": "deploykit.errors:NotFoundError",
    "Report": "deploykit.diagnostics:Report",
    "Severity": "deploykit.diagnostics:Severity",
    "SpecError": "deploykit.errors:SpecError",
    "SpecRefused": "deploykit.errors:SpecRefused",
    "ThrottledError": "deploykit.errors:ThrottledError",
    "TransportError": "deploykit.errors:TransportError",
    "ValidateOptions": "deploykit.validation:ValidateOptions",
    "WaitTimeout": "deploykit.errors:WaitTimeout",
    "convert": "deploykit.conversion:convert",
    "load": "deploykit.loading:load_text",
    "validate": "deploykit.validation:validate",
    "validate_paths": "deploykit.validation:validate_paths",
}

if TYPE_CHECKING:
    from deploykit.conversion import convert
    from deploykit.diagnostics import Diagnostic, FileReport, Report, Severity
    from deploykit.errors import (
        ApiError,
        AuthError,
        ConfigError,
        ConflictError,
        ConversionError,
        DeployKitError,
        DeploymentFailed,
        NotFoundError,
        SpecError,
        SpecRefused,
        ThrottledError,
        TransportError,
        WaitTimeout,
    )
    from deploykit.loading import LoadedSpec
    from deploykit.loading import load_text as load
    from deploykit.validation import ValidateOptions, validate, validate_paths


def __getattr__(name: str) -> Any:
    target = _EXPORTS.get(name)
    if target is None:
        raise AttributeError(f"module 'deploykit' has no attribute {name!r}")
    module, _, attribute = target.partition(":")
    value = getattr(importlib.import_module(module), attribute)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
