"""Discovery: what `deploykit validate PATH...` checks, in a stable order (PRODUCT.md)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from deploykit.errors import SpecError
from deploykit.loading import Target, discover, load_target

SPEC = '{"metadata": {"name": "svc"}}'


def _tree(root: Path, files: list[str]) -> None:
    for name in files:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(SPEC if name.endswith((".json", ".yaml", ".yml")) else "FROM python:3.11\n")


def _relative(targets: list[Target], root: Path) -> list[tuple[str, str]]:
    return [(os.path.relpath(t.path, root), t.kind) for t in targets]


def test_directory_is_searched_recursively_in_sorted_order(tmp_path: Path) -> None:
    _tree(
        tmp_path,
        [
            "services/web.yaml",
            "services/api.json",
            "services/batch/job.yml",
            "services/custom-image/Dockerfile",
            "services/custom-image/run.sh",
            "services/custom-image/request.json",
            "services/README.md",
            "services/LEGACY.JSON",
        ],
    )
    targets = discover([str(tmp_path / "services")])
    assert _relative(targets, tmp_path) == [
        ("services/LEGACY.JSON", "spec"),
        ("services/api.json", "spec"),
        ("services/batch/job.yml", "spec"),
        ("services/custom-image/Dockerfile", "image"),
        ("services/custom-image/request.json", "spec"),
        ("services/web.yaml", "spec"),
    ]


def test_tool_and_hidden_directories_are_skipped(tmp_path: Path) -> None:
    _tree(
        tmp_path,
        [
            "repo/eas/image.json",
            "repo/.github/workflows/ci.yml",
            "repo/.pre-commit-hooks.yaml",
            "repo/node_modules/pkg/package.json",
            "repo/.venv/lib/data.json",
            "repo/__pycache__/x.json",
        ],
    )
    assert _relative(discover([str(tmp_path / "repo")]), tmp_path) == [
        ("repo/eas/image.json", "spec")
    ]


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("image.json", "spec"),
        ("service.yaml", "spec"),
        ("config", "spec"),  # unknown extension: a spec, its content decides the format
        ("Dockerfile", "image"),
        ("Dockerfile.gpu", "image"),
        ("serve.Dockerfile", "image"),
        ("image.tar", "image"),
        ("image.tar.gz", "image"),
        ("image.tgz", "image"),
    ],
)
def test_a_named_file_is_one_target(tmp_path: Path, name: str, kind: str) -> None:
    (tmp_path / name).write_text(SPEC)
    assert discover([str(tmp_path / name)]) == [Target(str(tmp_path / name), kind)]  # type: ignore[arg-type]


def test_stdin_is_a_spec_target() -> None:
    assert discover(["-"]) == [Target("-", "spec")]


def test_platform_image_makes_a_directory_one_image(tmp_path: Path) -> None:
    _tree(tmp_path, ["custom-image/Dockerfile", "custom-image/config.json"])
    assert discover([str(tmp_path / "custom-image")], platform="image") == [
        Target(str(tmp_path / "custom-image"), "image")
    ]


def test_the_same_file_named_twice_is_checked_once(tmp_path: Path) -> None:
    _tree(tmp_path, ["eas/a.json", "eas/b.json"])
    a = str(tmp_path / "eas" / "a.json")
    targets = discover([a, str(tmp_path / "eas"), a])
    assert [t.path for t in targets] == [a, str(tmp_path / "eas" / "b.json")]


def _problems(targets: list[Target]) -> dict[str, SpecError]:
    return {t.path: t.problem for t in targets if t.problem is not None}


def test_missing_path_is_a_target_with_its_problem(tmp_path: Path) -> None:
    _tree(tmp_path, ["eas/a.json"])
    missing = str(tmp_path / "specs" / "imgae.json")
    targets = discover([missing, str(tmp_path / "eas")])
    # Reported in its place, and the other path is still walked.
    assert [t.path for t in targets] == [missing, str(tmp_path / "eas" / "a.json")]
    problem = _problems(targets)[missing]
    assert problem.path == missing
    assert problem.message == "no such file or directory"
    assert problem.hint
    with pytest.raises(SpecError) as caught:  # as deploy reads it: loading raises it
        load_target(targets[0])
    assert caught.value is problem


def test_broken_symlink_is_a_problem(tmp_path: Path) -> None:
    link = tmp_path / "image.json"
    link.symlink_to(tmp_path / "gone.json")
    assert _problems(discover([str(link)]))[str(link)].message == "broken symbolic link"


def test_link_loops_and_special_files_inside_a_directory_are_reported_in_place(
    tmp_path: Path,
) -> None:
    """issue #13: a link loop inside a directory hid every file; a FIFO hung the run."""
    _tree(tmp_path, ["specs/a.json", "specs/z.json", "specs/sub/b.json"])
    specs = tmp_path / "specs"
    (specs / "loop-one").symlink_to(specs / "loop-two")
    (specs / "loop-two").symlink_to(specs / "loop-one")
    (specs / "self.json").symlink_to(specs / "self.json")
    (specs / "gone.json").symlink_to(specs / "nowhere.json")
    (specs / "gone-notes").symlink_to(specs / "nowhere")  # not a spec's name: not a spec
    os.mkfifo(specs / "pipe.json")
    targets = discover([str(specs)])
    assert _relative(targets, tmp_path) == [
        ("specs/a.json", "spec"),
        ("specs/gone.json", "spec"),
        ("specs/loop-one", "spec"),
        ("specs/loop-two", "spec"),
        ("specs/pipe.json", "spec"),
        ("specs/self.json", "spec"),
        ("specs/sub/b.json", "spec"),
        ("specs/z.json", "spec"),
    ]
    problems = {os.path.relpath(p, specs): e for p, e in _problems(targets).items()}
    assert sorted(problems) == ["gone.json", "loop-one", "loop-two", "pipe.json", "self.json"]
    assert problems["loop-one"].message.startswith("symbolic link loop")
    assert problems["self.json"].rule == "DK001"
    assert problems["gone.json"].message == "broken symbolic link"
    assert problems["pipe.json"].message == "is a FIFO (named pipe), not a regular file: not read"
    assert problems["pipe.json"].rule == "DK005"


def test_a_named_fifo_is_refused_without_being_opened(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fifo = tmp_path / "service.json"
    os.mkfifo(fifo)

    def no_open(path: str, *args: int) -> int:  # opening would wait for a writer: fail instead
        raise AssertionError(f"{path} was opened")

    monkeypatch.setattr(os, "open", no_open)
    (target,) = discover([str(fifo)])
    with pytest.raises(SpecError) as caught:
        load_target(target)
    assert caught.value.rule == "DK005"
    # Reading it directly (the library's load_target on a plain target) refuses it too.
    with pytest.raises(SpecError, match="FIFO"):
        load_target(Target(str(fifo), "spec"))


def test_an_unlistable_subdirectory_is_reported_and_the_rest_walked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What the OS says for a directory without read permission (tests run as root, who can
    list anything; tests/cli checks the real permission as a non-root user)."""
    _tree(tmp_path, ["specs/a.json", "specs/locked/b.json", "specs/z.json"])
    locked = str(tmp_path / "specs" / "locked")
    real_scandir = os.scandir

    def refuse(path: str) -> Any:
        if path == locked:
            raise PermissionError(13, "Permission denied", path)
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", refuse)
    targets = discover([str(tmp_path / "specs")])
    assert _relative(targets, tmp_path) == [
        ("specs/a.json", "spec"),
        ("specs/locked", "spec"),
        ("specs/z.json", "spec"),
    ]
    problem = _problems(targets)[locked]
    assert problem.message == "cannot list the directory: Permission denied"
    assert "chmod" in (problem.hint or "")


def test_symlink_loops_are_walked_once(tmp_path: Path) -> None:
    _tree(tmp_path, ["specs/eas/image.json"])
    (tmp_path / "specs" / "eas" / "again").symlink_to(tmp_path / "specs")
    targets = discover([str(tmp_path / "specs")])
    assert _relative(targets, tmp_path) == [("specs/eas/image.json", "spec")]


def test_order_does_not_depend_on_creation_order(tmp_path: Path) -> None:
    _tree(tmp_path, ["one/z.json", "one/a.json", "one/m/x.json"])
    _tree(tmp_path, ["two/m/x.json", "two/a.json", "two/z.json"])
    one = [os.path.relpath(t.path, tmp_path / "one") for t in discover([str(tmp_path / "one")])]
    two = [os.path.relpath(t.path, tmp_path / "two") for t in discover([str(tmp_path / "two")])]
    assert one == two == ["a.json", "m/x.json", "z.json"]


def test_files_found_under_the_current_directory_have_no_dot_prefix(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _tree(tmp_path, ["eas/image.json", "custom-image/Dockerfile"])
    monkeypatch.chdir(tmp_path)
    assert discover(["."]) == [
        Target(os.path.join("custom-image", "Dockerfile"), "image"),
        Target(os.path.join("eas", "image.json"), "spec"),
    ]
    # A file named explicitly keeps the spelling the user gave.
    assert discover(["./eas/image.json"]) == [Target("./eas/image.json", "spec")]
