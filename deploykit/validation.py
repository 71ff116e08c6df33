"""validate(): a loaded spec in, a FileReport out. Pure: no network, no printing.

Each platform's checker is a module with ``check(data) -> list[Diagnostic]`` that runs the
pydantic model (shape) and the platform's rules (meaning); it is imported only when a file of
that platform is seen, so a cold ``deploykit validate`` loads one platform's code.
"""

from __future__ import annotations

import dataclasses
import functools
import importlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from deploykit.diagnostics import Diagnostic, FileReport, Report, Severity, filter_rules, sort_key
from deploykit.errors import SpecError
from deploykit.loading import LoadedSpec, Target, discover, load_target

# Platform → module whose check(data) validates a parsed spec of that platform.
CHECKERS = {
    "eas": "deploykit.rules.eas.document",
    "modelarts": "deploykit.rules.modelarts.document",
}
# Custom images are files and directories, not JSON: check_image(path) → list[FileReport].
IMAGE_CHECKER = "deploykit.rules.image.inspection"


@dataclass(frozen=True)
class ValidateOptions:
    platform: str = "auto"  # auto | eas | modelarts | image
    strict: bool = False  # every warning is reported as an error
    select: Sequence[str] = ()
    ignore: Sequence[str] = ()


def validate(loaded: LoadedSpec, options: ValidateOptions = ValidateOptions()) -> FileReport:
    """Every finding about one loaded spec, located and filtered, in reading order."""
    found = list(loaded.findings)
    check = _checker(loaded.platform)
    if check is None:
        found.append(_unknown_platform(loaded))
    else:
        found.extend(check(loaded.data))
    if not found:  # most files of a corpus: nothing to locate, filter or sort
        return FileReport(loaded.path, loaded.platform, [])
    located = [_locate(loaded, d) for d in found]
    return FileReport(loaded.path, loaded.platform, _finish(located, options))


@functools.cache
def _checker(platform: str) -> Callable[[Any], list[Diagnostic]] | None:
    """The platform's ``check`` function, its module imported on first use."""
    module = CHECKERS.get(platform)
    return None if module is None else importlib.import_module(module).check


def validate_paths(
    paths: Sequence[str],
    options: ValidateOptions = ValidateOptions(),
    *,
    stdin_name: str | None = None,
) -> Report:
    """Validate every file named or found under ``paths``. A path that cannot be read becomes
    a FileReport with one DK error saying why (``readable=False``: DK001, or DK005/DK006 when
    a more precise rule does), so every other file is still checked."""
    report = Report()
    # A path that cannot be reached (missing, a link loop, an unreadable directory) is a
    # target with its problem, reported in its place beside the others.
    for target in discover(paths, platform=options.platform):
        report.files.extend(_validate_target(target, options, stdin_name))
    return report


def _validate_target(
    target: Target, options: ValidateOptions, stdin_name: str | None
) -> list[FileReport]:
    if target.problem is not None:
        return [_unreadable(target.problem, target.path)]
    if target.kind == "image":
        check_image: Callable[..., list[FileReport]] = importlib.import_module(
            IMAGE_CHECKER
        ).check_image
        # --platform eas|modelarts says which platform the image is for; auto/image lets
        # the image checks read it from the Dockerfile or the specs beside it.
        platform = options.platform if options.platform in CHECKERS else None
        return [
            dataclasses.replace(r, diagnostics=_finish(r.diagnostics, options))
            for r in check_image(target.path, platform=platform)
        ]
    try:
        loaded = load_target(target, platform=options.platform, stdin_name=stdin_name)
    except SpecError as err:
        return [_unreadable(err, target.path)]
    return [validate(loaded, options)]


def _unreadable(err: SpecError, path: str) -> FileReport:
    from deploykit.loading.findings import BY_ID

    diagnostic = BY_ID[err.rule](
        err.pointer, err.message, suggestion=err.hint, line=err.line, column=err.column
    )
    return FileReport(err.path or path, "unknown", [diagnostic], readable=False)


def _finish(diagnostics: Sequence[Diagnostic], options: ValidateOptions) -> list[Diagnostic]:
    kept = filter_rules(diagnostics, select=options.select, ignore=options.ignore)
    if options.strict:
        kept = [
            dataclasses.replace(d, severity=Severity.ERROR) if d.severity is Severity.WARNING else d
            for d in kept
        ]
    return sorted(kept, key=sort_key)


def _locate(loaded: LoadedSpec, diagnostic: Diagnostic) -> Diagnostic:
    if diagnostic.pointer is None or diagnostic.line is not None:
        return diagnostic
    position = loaded.source_map.locate(diagnostic.pointer, diagnostic.anchor)
    return diagnostic.located(*position) if position else diagnostic


def _unknown_platform(loaded: LoadedSpec) -> Diagnostic:
    from deploykit.loading.findings import UNKNOWN_PLATFORM

    return UNKNOWN_PLATFORM(
        "",
        "cannot tell the platform: no `containers`/`metadata` (EAS) and no "
        "`model_type`/`model_algorithm` (ModelArts)",
        suggestion="pass --platform eas or --platform modelarts",
    )
