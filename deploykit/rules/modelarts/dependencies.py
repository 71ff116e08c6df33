"""ModelArts `dependencies[]`/`packages[]` rules (reference/modelarts.md §1.5)."""

from __future__ import annotations

import re

from deploykit.diagnostics import Diagnostic, Severity
from deploykit.diagnostics.registry import rule
from deploykit.models.modelarts import CHINESE, FORBIDDEN_CHARACTERS, ModelArtsConfig, Package
from deploykit.rules.shape import field_path, suggestion_for

# reference §1.5: "only pip" since 2021 (OTC-CFG, CN21-CFG); the 2018 documents also allowed
# conda, yum and apt-get (EX-OLD), which error codes ModelArts.3040/3041 still mention.
INSTALLERS = ("pip",)
OLD_INSTALLERS = ("conda", "yum", "apt-get")
RESTRAINTS = ("EXACT", "ATLEAST", "ATMOST")
# A pip specifier written into a name or version, and the restraint that says the same.
_SPECIFIER = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._\-\[\],]*)\s*(==|>=|<=)\s*(\S+)\s*$")
_RESTRAINT_OF = {"==": "EXACT", ">=": "ATLEAST", "<=": "ATMOST"}

INSTALLER = rule(
    "MA120", Severity.ERROR, "modelarts",
    "dependencies[].installer must be pip",
    source="reference/modelarts.md §1.5 (OTC-CFG Table 6; EX-OLD for the 2018 installers)",
)
RESTRAINT = rule(
    "MA121", Severity.ERROR, "modelarts",
    "packages[].restraint must be EXACT, ATLEAST or ATMOST",
    source="reference/modelarts.md §1.5 (OTC-CFG Table 7; error ModelArts.3041)",
)
RESTRAINT_PAIRING = rule(
    "MA122", Severity.ERROR, "modelarts",
    "packages[].package_version is given without a restraint",
    source="reference/modelarts.md §1.5 (OTC-CFG Table 7: restraint is mandatory when "
    "package_version is given)",
)
EMPTY_CONSTRAINT = rule(
    "MA123", Severity.WARNING, "modelarts",
    'empty-string package_version/restraint ("" as in the official example): omit the keys',
    source="reference/modelarts.md §1.5, §1.10 (OTC-CFG image-classification example)",
)
PACKAGE_CHARACTERS = rule(
    "MA124", Severity.ERROR, "modelarts",
    "package_name/package_version contain a forbidden character (&!'\"<>= or Chinese)",
    source="reference/modelarts.md §1.5 (OTC-CFG Table 7)",
)
IMAGE_DEPENDENCIES = rule(
    "MA125", Severity.WARNING, "modelarts",
    "dependencies cannot be installed for a custom-image (Image) model",
    source="reference/modelarts.md §1.2, §1.5 (OTC-CFG, HW-CFG 2025-07-23)",
)
# The spec makes `restraint` mandatory only when `package_version` is given; a restraint
# alone constrains nothing, and real configs that install offline wheels write exactly that.
# Unnecessary, not invalid: a warning.
RESTRAINT_IGNORED = rule(
    "MA126", Severity.WARNING, "modelarts",
    "packages[].restraint without a package_version is ignored",
    source="reference/modelarts.md §1.5 (OTC-CFG Table 7: restraint is mandatory only when "
    "package_version is given)",
)


def check_dependencies(config: ModelArtsConfig) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    if config.is_image and config.dependencies:
        found.append(
            IMAGE_DEPENDENCIES(
                "/dependencies",
                "dependencies are not installed for a custom-image (Image) model: "
                "the platform installs nothing into your image",
                suggestion="install the packages in the Dockerfile (RUN pip install ...) "
                "and remove `dependencies`",
            )
        )
    for index, dependency in enumerate(config.dependencies or ()):
        where = f"/dependencies/{index}"
        found.extend(_installer(where, dependency.installer))
        for position, package in enumerate(dependency.packages or ()):
            found.extend(_package(f"{where}/packages/{position}", package))
    return found


def _blank(value: str | None) -> bool:
    """Absent, null or an empty/whitespace string: the official examples write ``""`` for
    "no constraint" (reference §1.5, §1.10)."""
    return value is None or not value.strip()


def _installer(where: str, installer: str | None) -> list[Diagnostic]:
    if installer is None or installer in INSTALLERS:
        return []
    if installer.casefold() in OLD_INSTALLERS:
        hint = "only pip is supported since 2021; install system packages in a custom image"
    else:
        hint = suggestion_for(installer, INSTALLERS, "documented installers")
    return [
        INSTALLER(
            f"{where}/installer",
            f"{field_path(where)}.installer is {installer!r}; ModelArts installs with pip only",
            suggestion=hint,
        )
    ]


def _package(where: str, package: Package) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    name, version, restraint = package.package_name, package.package_version, package.restraint
    for key, value in (("package_name", name), ("package_version", version)):
        if value is not None:
            found.extend(_characters(f"{where}/{key}", value))
    empties = [
        key
        for key, value in (("package_version", version), ("restraint", restraint))
        if value is not None and _blank(value)
    ]
    if empties:
        found.append(
            EMPTY_CONSTRAINT(
                f"{where}/{empties[0]}",
                f"{field_path(where)}: an empty {' and '.join(empties)} means no version "
                "requirement",
                suggestion=f"remove {' and '.join(repr(k) for k in empties)} instead of "
                'writing ""',
            )
        )
    if restraint is not None and not _blank(restraint) and restraint not in RESTRAINTS:
        found.append(
            RESTRAINT(
                f"{where}/restraint",
                f"{field_path(where)}.restraint is {restraint!r}; ModelArts accepts EXACT "
                "(==), ATLEAST (>=) or ATMOST (<=)",
                suggestion=suggestion_for(restraint, RESTRAINTS, "restraints"),
            )
        )
    found.extend(_pairing(where, version, restraint))
    return found


def _pairing(where: str, version: str | None, restraint: str | None) -> list[Diagnostic]:
    has_version, has_restraint = not _blank(version), not _blank(restraint)
    if has_version and not has_restraint:
        return [
            RESTRAINT_PAIRING(
                f"{where}/package_version",
                f"{field_path(where)} gives package_version {version!r} without a restraint",
                suggestion='add "restraint": "EXACT" (or ATLEAST/ATMOST)',
            )
        ]
    if has_restraint and not has_version:
        return [
            RESTRAINT_IGNORED(
                f"{where}/restraint",
                f"{field_path(where)} gives restraint {restraint!r} without a package_version, "
                "so the restraint is ignored and any version is installed",
                suggestion="add the package_version the restraint is about, or remove the "
                "restraint",
            )
        ]
    return []


def _characters(where: str, value: str) -> list[Diagnostic]:
    bad = sorted({c for c in value if c in FORBIDDEN_CHARACTERS} | set(CHINESE.findall(value)))
    if not bad:
        return []
    specifier = _SPECIFIER.match(value)
    if specifier:
        name, operator, version = specifier.groups()
        hint = (
            f'write "package_name": "{name}", "package_version": "{version}", '
            f'"restraint": "{_RESTRAINT_OF[operator]}"'
        )
    else:
        hint = "remove the characters; ModelArts cannot express other pip specifiers"
    return [
        PACKAGE_CHARACTERS(
            where,
            f"{field_path(where)} {value!r} contains {''.join(bad)!r}, which ModelArts forbids",
            suggestion=hint,
        )
    ]
