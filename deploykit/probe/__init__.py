"""Custom-image conformance of a running server: ``deploykit probe``."""

from deploykit.probe.conformance import ProbeOptions, probe
from deploykit.probe.sigterm import Window

__all__ = ["ProbeOptions", "Window", "probe"]
