"""pip requirements (EAS ``prepare.pythonRequirements``) ⇄ ModelArts ``dependencies[].packages[]``.

ModelArts says a version constraint with one word, ``restraint``; pip says it with an operator.
Only three words exist, so only three operators travel (reference/modelarts.md §1.5, §7):
``~=``, ``!=``, ``<``, ``>``, ``===``, wildcards, ranges, extras, markers and URLs cannot, and
are reported as losses with the pointer of the requirement.
"""

from __future__ import annotations

from typing import Any

from packaging.requirements import InvalidRequirement, Requirement

from deploykit import pointer as jp
from deploykit.conversion.record import ConversionRecord, display

# reference/modelarts.md §1.5: EXACT installs the version, ATLEAST ≥, ATMOST ≤.
OPERATOR_OF_RESTRAINT = {"EXACT": "==", "ATLEAST": ">=", "ATMOST": "<="}
RESTRAINT_OF_OPERATOR = {op: restraint for restraint, op in OPERATOR_OF_RESTRAINT.items()}

# reference/modelarts.md §1.5: since 2021 only pip is documented (yum/apt-get/conda are 2018).
PIP = "pip"

_PIN_HINT = "pin the package with ==, >= or <= (the only constraints ModelArts can state)"


def dependencies_to_requirements(
    dependencies: Any, at: str, record: ConversionRecord
) -> list[str] | None:
    """ModelArts ``dependencies`` (install order kept) → pip requirement strings."""
    if not isinstance(dependencies, list):
        record.not_expressible(at, "dependencies is not a list; no requirement was carried over")
        return None
    requirements: list[str] = []
    for index, dependency in enumerate(dependencies):
        where = jp.child(at, index)
        installer = dependency.get("installer") if isinstance(dependency, dict) else None
        if installer != PIP:
            record.not_expressible(
                where,
                f"{display(where)} is not a pip dependency (installer {installer!r}); "
                "EAS installs only pip requirements",
                suggestion="install it in the image (Dockerfile) instead",
            )
            continue
        packages = dependency.get("packages")
        for position, package in enumerate(packages if isinstance(packages, list) else []):
            requirement = _package_to_requirement(
                package, jp.child(where, "packages", position), record
            )
            if requirement is not None:
                requirements.append(requirement)
    return requirements or None


def requirements_to_dependencies(
    requirements: Any, at: str, record: ConversionRecord
) -> list[dict[str, Any]] | None:
    """pip requirement strings → one ModelArts pip dependency (order kept)."""
    if not isinstance(requirements, list):
        record.not_expressible(
            at, "pythonRequirements is not a list; no requirement was carried over"
        )
        return None
    packages = [
        package
        for index, text in enumerate(requirements)
        if (package := _requirement_to_package(text, jp.child(at, index), record)) is not None
    ]
    return [{"installer": PIP, "packages": packages}] if packages else None


def _package_to_requirement(package: Any, at: str, record: ConversionRecord) -> str | None:
    if not isinstance(package, dict) or not isinstance(package.get("package_name"), str):
        record.not_expressible(at, f"{display(at)} has no package_name; not carried over")
        return None
    name: str = package["package_name"]
    # reference/modelarts.md §1.5: official examples write "" for "no constraint".
    version = package.get("package_version") or ""
    restraint = package.get("restraint") or ""
    text = name
    if version:
        operator = OPERATOR_OF_RESTRAINT.get(str(restraint).upper())
        if operator is None:
            record.not_expressible(
                jp.child(at, "restraint"),
                f"{name} {version}: restraint {restraint!r} is not EXACT, ATLEAST or ATMOST; "
                "carried over as an exact pin (==)",
                suggestion="set restraint to EXACT, ATLEAST or ATMOST",
            )
            operator = "=="
        text = f"{name}{operator}{version}"
    try:
        Requirement(text)
    except InvalidRequirement:
        record.not_expressible(
            at, f"{display(at)} is not a valid pip requirement; not carried over"
        )
        return None
    return text


def _requirement_to_package(text: Any, at: str, record: ConversionRecord) -> dict[str, str] | None:
    try:
        requirement = Requirement(text) if isinstance(text, str) else None
    except InvalidRequirement:
        requirement = None
    if requirement is None:
        # Not echoed: a pip line may hold an index URL with a token in it.
        record.not_expressible(
            at,
            f"{display(at)} is not a plain pip requirement "
            "(an option, a path or a malformed line); "
            "ModelArts lists packages by name only",
            suggestion="install it in the image (Dockerfile) instead",
        )
        return None
    name = requirement.name
    if requirement.url:
        record.not_expressible(
            at,
            f"{name} is installed from a URL; ModelArts installs packages by name and version only",
            suggestion="publish the package to PyPI or install it in the image",
        )
        return None
    if requirement.extras:
        record.not_expressible(
            at,
            f"{name}: extras [{','.join(sorted(requirement.extras))}] cannot be expressed "
            "in ModelArts; "
            f"{name} is carried over without them",
            suggestion="list the extra packages explicitly",
        )
    if requirement.marker is not None:
        record.not_expressible(
            at,
            f"{name}: the environment marker ({requirement.marker}) cannot be expressed "
            "in ModelArts; "
            f"{name} is carried over unconditionally",
        )
    specifiers = list(requirement.specifier)
    package = {"package_name": name}
    if not specifiers:
        return package
    restraint = RESTRAINT_OF_OPERATOR.get(specifiers[0].operator) if len(specifiers) == 1 else None
    if restraint is None or "*" in specifiers[0].version:
        record.not_expressible(
            at,
            f"{name}: the constraint {requirement.specifier} cannot be expressed in ModelArts "
            f"(only ==, >= or <= with one version); {name} is carried over without a version",
            suggestion=_PIN_HINT,
        )
        return package
    package["package_version"] = specifiers[0].version
    package["restraint"] = restraint
    return package
