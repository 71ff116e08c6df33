"""Read and validate the specs a deploy command was given, before a single request is sent.

``create`` and ``apply`` refuse a spec with errors (PRODUCT.md: validate first); the caller
renders the returned report with the same renderers as ``deploykit validate``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from deploykit.deploy.apply import SpecToApply
from deploykit.diagnostics import FileReport, Report
from deploykit.errors import SpecError
from deploykit.validate import ValidateOptions, validate


@dataclass
class LoadedSpecs:
    """The specs fit to deploy, and the report of every file (with any findings)."""

    specs: list[SpecToApply] = field(default_factory=list)
    report: Report = field(default_factory=Report)

    @property
    def refused(self) -> bool:
        return self.report.errors > 0


def load_specs(paths: Sequence[str], platform: str = "eas") -> LoadedSpecs:
    """Load and validate every EAS spec under ``paths``; unreadable input is a ``SpecError``."""
    from deploykit.clients.alibaba.eas import service_name
    from deploykit.loading import discover, load_target

    options = ValidateOptions(platform=platform)
    loaded_specs = LoadedSpecs()
    targets = list(discover(paths, platform=platform))
    if not targets:
        raise SpecError(
            "no spec found in " + ", ".join(paths),
            hint="pass an EAS service JSON or YAML file (or a directory holding some)",
        )
    for target in targets:
        loaded = load_target(target, platform=platform, stdin_name=None)
        file_report: FileReport = validate(loaded, options)
        loaded_specs.report.files.append(file_report)
        if file_report.errors == 0:
            data: dict[str, Any] = loaded.data
            loaded_specs.specs.append(SpecToApply(loaded.path, service_name(data), data))
    _refuse_duplicates(loaded_specs.specs)
    return loaded_specs


def _refuse_duplicates(specs: Sequence[SpecToApply]) -> None:
    # Two specs for one name would race each other inside one apply.
    seen: dict[str, str] = {}
    for spec in specs:
        if spec.name in seen:
            raise SpecError(
                f"service {spec.name!r} is defined twice ({seen[spec.name]} and {spec.path})",
                path=spec.path,
                hint="keep one spec per service name",
            )
        seen[spec.name] = spec.path
