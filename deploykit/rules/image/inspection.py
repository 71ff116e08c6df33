"""Custom-image checks: ``check_image(path) -> list[FileReport]`` for a Dockerfile, a
directory holding one (with its run.sh and app), or a ``docker save``/OCI image archive.

What is checked, and against which platform (see :mod:`deploykit.rules.image.target`):

=================================  =============  ==============================
check                              platform       rule
=================================  =============  ==============================
start command, batch boot file     any / batch    IMG001, IMG002
port the server listens on         per platform   IMG003, IMG004
server bound to 127.0.0.1 only     any            IMG005
logs to standard output            any            IMG006
HTTP keep-alive 200 s              ModelArts      IMG007
graceful exit on SIGTERM           ModelArts      IMG008, IMG009, IMG010
ma-user (uid 1000, gid 100)        ModelArts      IMG011
no setuid/setgid files             training       IMG012
image size                         ModelArts      IMG013, IMG014
=================================  =============  ==============================

Logs and reachability hold on both platforms (each reads the container's standard output
and sends requests to the container IP); the rest comes from ModelArts' custom-image
specification (seeds/000-003), so with no platform known those checks are skipped and
IMG015 says so.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from deploykit.diagnostics import Diagnostic, FileReport
from deploykit.errors import SpecError
from deploykit.images.archive import ImageArchive, is_archive, read_archive
from deploykit.images.dockerfile import find_dockerfile, image_config, read_dockerfile
from deploykit.images.start import resolve_start
from deploykit.rules.image import findings as facts
from deploykit.rules.image.graceful import check_graceful
from deploykit.rules.image.serving import (
    Findings,
    check_boot_file,
    check_keepalive,
    check_logs,
    check_loopback,
    check_ports,
    check_setuid,
    check_user,
    listens,
)
from deploykit.rules.image.target import ImageTarget, PlatformTarget, detect_target

__all__ = ["check_image"]

_MODELARTS_ONLY = ("HTTP keep-alive (IMG007)", "graceful SIGTERM exit (IMG008-IMG010)",
                   "ma-user (IMG011)", "ports (IMG003/IMG004)")


def check_image(path: str, *, platform: str | None = None) -> list[FileReport]:
    """Every finding about the image at ``path``: one FileReport per file checked.

    ``platform`` ("eas" or "modelarts") overrides what the files around the image say.
    Raises SpecError (exit 2) when there is no Dockerfile, or it or the archive is unreadable.
    """
    where = Path(path)
    if where.is_file() and is_archive(where):
        return [_check_archive(read_archive(where), platform)]
    dockerfile = _dockerfile(where)
    return _check_dockerfile(dockerfile, platform)


def _dockerfile(where: Path) -> Path:
    if where.is_dir():
        found = find_dockerfile(where)
        if found is not None:
            return found
        raise SpecError("no Dockerfile in this directory", path=str(where),
                        hint="pass the Dockerfile itself, or the directory that holds it")
    if not where.exists():
        raise SpecError("no such file or directory", path=str(where))
    return where


def _check_dockerfile(path: Path, platform: str | None) -> list[FileReport]:
    dockerfile = read_dockerfile(path)
    config = image_config(dockerfile)
    target = detect_target(path.parent, dockerfile.directives, platform)
    lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    start = resolve_start(config, path, lines)
    findings: Findings = defaultdict(list)
    findings[path].extend(target.findings)
    if start.missing:
        findings[path].append(facts.FILE_NOT_FOUND(
            None, f"{start.missing} is not copied from the build context, so it was not checked",
            suggestion="COPY it into the image from the directory holding the Dockerfile",
            line=config.start_line,
        ))
    check_boot_file(config, target, path, findings)
    # Without a platform, variables resolve from the image alone (the platform adds none).
    platforms: list[PlatformTarget | None] = [*target.platforms.values()] or [None]
    for chosen in platforms:
        env = target.runtime_env(config.env, chosen.name if chosen else "")
        variables = start.script.variables(env) if start.script else env
        launches = start.launches(variables, config, path.parent)
        addresses = listens(start, launches, config, path.parent, variables)
        check_loopback(addresses, findings)
        check_logs(start, launches, findings)
        if chosen is None:
            continue
        check_ports(addresses, config, chosen, path, findings)
        if chosen.name == "modelarts":
            check_keepalive(start, launches, findings)
            check_graceful(start, launches, variables, findings)
            check_user(config, dockerfile.final.base, path, findings)
            if target.usage == "training":
                check_setuid(config, path, findings)
    if not target.platforms:
        findings[path].append(_skipped(_MODELARTS_ONLY))
    reports = [FileReport(str(path), "image", _unique(findings.pop(path, [])))]
    if start.script is not None and start.file != path:
        reports.append(FileReport(str(start.file), "image", _unique(findings.pop(start.file, []))))
    reports.extend(FileReport(str(f), "image", _unique(d)) for f, d in findings.items() if d)
    return reports


def _check_archive(archive: ImageArchive, platform: str | None) -> FileReport:
    target = detect_target(archive.path.parent, {}, platform)
    findings: Findings = defaultdict(list)
    check_boot_file(archive.config, target, archive.path, findings)
    diagnostics = findings[archive.path]
    modelarts = target.platforms.get("modelarts")
    if modelarts:
        # The saved config says what the container runs as and exposes, like a Dockerfile.
        check_user(archive.config, "", archive.path, findings)
        check_ports([], archive.config, modelarts, archive.path, findings)
        diagnostics.extend(_size(archive, target))
    else:
        diagnostics.append(_skipped(("image size limits (IMG013/IMG014)",)))
    return FileReport(str(archive.path), "image", _unique(diagnostics))


def _size(archive: ImageArchive, target: ImageTarget) -> list[Diagnostic]:
    limit = facts.SIZE_LIMITS[("modelarts", target.usage)]
    size = archive.size
    shown = f"{size / facts.GIB:.1f} GiB"
    packed = " (compressed layers; unpacked it is larger)" if archive.compressed else ""
    found = []
    if size > limit:
        found.append(facts.IMAGE_TOO_LARGE(
            None, f"the image is {shown}{packed}; ModelArts accepts at most "
            f"{limit // facts.GIB} GB for {target.usage} images",
            suggestion="slim the image (multi-stage build, no model weights baked in: mount "
            "them from OBS) to under the limit",
        ))
    if size > facts.NOTEBOOK_BUILD_LIMIT:
        found.append(facts.BUILD_OUTSIDE_NOTEBOOK(
            None, f"the image is {shown}{packed}: images over 35 GB are built on a server "
            "such as ECS, not in a Notebook instance",
            suggestion="build and push it from an ECS server",
        ))
    return found


def _skipped(checks: tuple[str, ...]) -> Diagnostic:
    return facts.CHECKS_SKIPPED(
        None, f"the target platform is unknown, so these checks were skipped: {', '.join(checks)}",
        suggestion="put the ModelArts config.json or EAS service JSON next to it, or add "
        "`# deploykit: platform=modelarts` (or eas) to the Dockerfile",
    )


def _unique(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """Checks run once per platform; a finding both runs make is reported once."""
    seen: dict[tuple[str, str, int | None, int | None], Diagnostic] = {}
    for diagnostic in diagnostics:
        key = (diagnostic.rule, diagnostic.message, diagnostic.line, diagnostic.column)
        seen.setdefault(key, diagnostic)
    return list(seen.values())
