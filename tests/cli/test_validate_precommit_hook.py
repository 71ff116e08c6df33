"""``.pre-commit-hooks.yaml``: the hook pre-commit users install runs ``deploykit validate``
on the files it should, and nothing else (https://pre-commit.com/#new-hooks)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]


def _hook() -> dict[str, Any]:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    (hook,) = hooks
    assert isinstance(hook, dict)
    return hook


def test_declares_what_pre_commit_requires() -> None:
    hook = _hook()
    # pre-commit's required keys for a hook: id, name, entry, language.
    assert hook["id"] == "deploykit-validate"
    assert hook["entry"] == "deploykit validate"
    assert hook["language"] == "python"
    assert hook["name"]


@pytest.mark.parametrize(
    ("path", "matched"),
    [
        ("deploy/service.json", True),
        ("deploy/service.yaml", True),
        ("deploy/service.yml", True),
        ("image/Dockerfile", True),
        ("Dockerfile", True),
        ("README.md", False),
        ("app/main.py", False),
        ("deploy/service.json.bak", False),
        ("docs/Dockerfile.md", False),
    ],
)
def test_files_pattern(path: str, matched: bool) -> None:
    # pre-commit matches `files` with re.search against the repository-relative path.
    assert (re.search(_hook()["files"], path) is not None) is matched


@pytest.mark.slow
def test_the_entry_runs_on_the_files_pre_commit_would_pass() -> None:
    pattern = _hook()["files"]
    staged = sorted(
        str(p.relative_to(ROOT))
        for p in (ROOT / "examples" / "eas").rglob("*")
        if re.search(pattern, str(p.relative_to(ROOT)))
    )
    assert staged
    entry = Path(sys.executable).with_name(_hook()["entry"].split()[0])
    done = subprocess.run(
        [str(entry), *_hook()["entry"].split()[1:], *staged],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    # The shipped EAS examples are real, deployable configs: the commit goes through.
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.splitlines()[-1].startswith(f"checked {len(staged)} files: 0 errors")
