"""ModelArts config.json ⇄ EAS service JSON, with every loss reported as a Diagnostic.

result = convert(load_text(text, "config.json"), "eas", Overrides(port=8000))
result.data          # the EAS service JSON (a dict)
result.diagnostics   # CNV0xx findings, located in the source file
"""

from __future__ import annotations

import sys
import types

from deploykit.convert.conversion import ConversionResult, Overrides, convert

__all__ = ["ConversionResult", "Overrides", "convert"]


class _CallablePackage(types.ModuleType):
    """``deploykit.convert`` names both this package and the public function
    (``deploykit.__all__``); Python binds the package to that name whenever it is imported
    first, so the package converts when called, exactly as the function does."""

    __call__ = staticmethod(convert)


sys.modules[__name__].__class__ = _CallablePackage
