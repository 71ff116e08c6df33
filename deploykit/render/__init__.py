"""Renderers: a :class:`~deploykit.diagnostics.Report` in, the text of one output format out.

One module per format, each with ``render(report, *, color) -> str``, imported only when its
format is asked for, so a cold ``deploykit validate`` loads the text renderer alone. Renderers
see only ``Report``/``FileReport``/``Diagnostic``: never pydantic, YAML or the input data, so a
secret in the input cannot reach the output through them.
"""

from __future__ import annotations

import importlib
from typing import Protocol

from deploykit.diagnostics import Report

__all__ = ["FORMATS", "render"]

# Format name (the `--format` value) → module with render(report, *, color).
RENDERERS = {
    "text": "deploykit.render.text",
    "json": "deploykit.render.json_document",
    "sarif": "deploykit.render.sarif",
    "junit": "deploykit.render.junit",
    "github": "deploykit.render.github",
}
FORMATS = tuple(RENDERERS)


class _Renderer(Protocol):
    def __call__(self, report: Report, *, color: bool = False) -> str: ...


def render(report: Report, fmt: str, *, color: bool = False) -> str:
    """The whole output of ``fmt`` for ``report``, ending in a newline.

    ``color`` is honoured by the text format only; the caller decides it (a TTY, no NO_COLOR).
    """
    try:
        module = RENDERERS[fmt]
    except KeyError:
        raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}") from None
    renderer: _Renderer = importlib.import_module(module).render
    return renderer(report, color=color)
