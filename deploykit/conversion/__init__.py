"""ModelArts config.json ⇄ EAS service JSON, with every loss reported as a Diagnostic.

result = convert(load_text(text, "config.json"), "eas", Overrides(port=8000))
result.data          # the EAS service JSON (a dict)
result.diagnostics   # CNV0xx findings, located in the source file
"""

from __future__ import annotations

from deploykit.conversion.converter import ConversionResult, Overrides, convert, convert_target

__all__ = ["ConversionResult", "Overrides", "convert", "convert_target"]
