"""Whatever a Dockerfile or run.sh holds, the image checks either report findings or refuse
the input with a SpecError (exit 2): never another exception (a traceback for the user)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from deploykit.errors import SpecError
from deploykit.rules.image.inspection import check_image

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "custom-image"
DOCKERFILE_LINES = (EXAMPLE / "Dockerfile").read_text().splitlines()
RUN_SH_LINES = (EXAMPLE / "run.sh").read_text().splitlines()
# Pieces users write, broken in the ways files get broken: cut quotes, stray braces,
# continuation at the end, variables without values.
FRAGMENTS = st.sampled_from(
    [
        "\\",
        '"',
        "'",
        "{",
        "}",
        "(",
        ")",
        "&",
        ";",
        "|",
        ">",
        "2>&1",
        "$",
        "${",
        "${PORT:-",
        "#",
        "<<EOF",
        "exec",
        "trap",
        "kill -15",
        "sleep",
        "wait",
        "gunicorn -b",
        "-k",
        "EXPOSE",
        "CMD [",
        '["sh",',
        "USER",
        "ENV",
        "ARG",
        "FROM",
        "COPY . /",
        "=",
        "\t",
        " ",
        "\n",
    ]
)


def mutate(lines: list[str], cuts: list[int], inserts: list[str]) -> str:
    out = list(lines)
    for position, fragment in zip(cuts, inserts, strict=False):
        index = position % (len(out) + 1)
        if index < len(out):
            line = out[index]
            split = position % (len(line) + 1)
            out[index] = line[:split] + fragment + line[split:]
        else:
            out.append(fragment)
    return "\n".join(out) + "\n"


@settings(
    max_examples=150,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    target=st.sampled_from(["Dockerfile", "run.sh"]),
    cuts=st.lists(st.integers(min_value=0, max_value=10_000), min_size=1, max_size=6),
    inserts=st.lists(FRAGMENTS, min_size=1, max_size=6),
    platform=st.sampled_from([None, "eas", "modelarts"]),
)
def test_mutated_inputs_never_crash(
    tmp_path_factory: pytest.TempPathFactory,
    target: str,
    cuts: list[int],
    inserts: list[str],
    platform: str | None,
) -> None:
    folder = tmp_path_factory.mktemp("image")
    for name in ("Dockerfile", "run.sh", "app.py"):
        shutil.copy(EXAMPLE / name, folder / name)
    lines = DOCKERFILE_LINES if target == "Dockerfile" else RUN_SH_LINES
    (folder / target).write_text(mutate(lines, cuts, inserts))
    try:
        reports = check_image(str(folder), platform=platform)
    except SpecError as err:
        assert target == "Dockerfile" and err.message
        return
    for report in reports:
        for diagnostic in report.diagnostics:
            assert diagnostic.rule.startswith("IMG") and diagnostic.message
            assert diagnostic.line is None or diagnostic.line >= 1
