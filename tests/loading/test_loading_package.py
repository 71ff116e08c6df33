"""The package's promises: a curated public API, and a cheap import for a cold `validate`."""

from __future__ import annotations

import subprocess
import sys

import deploykit.loading

HEAVY = ("yaml", "pydantic", "httpx", "tenacity", "starlette", "uvicorn")


def test_public_api_is_sorted_and_complete() -> None:
    names = deploykit.loading.__all__
    assert names == sorted(names)
    public = {n for n in vars(deploykit.loading) if not n.startswith("_")}
    modules = {n for n in public if type(getattr(deploykit.loading, n)).__name__ == "module"}
    assert set(names) == public - modules - {"annotations"}


def test_import_and_json_load_do_not_import_yaml_or_pydantic() -> None:
    probe = (
        "import sys\n"
        "from deploykit.loading import Target, discover, load_text\n"
        "from deploykit.loading.findings import UNREADABLE, UNKNOWN_PLATFORM\n"
        'spec = load_text(\'{"metadata": {"name": "a"}}\', \'a.json\')\n'
        "spec.source_map.locate('/metadata/name')\n"
        f"print(sorted(m for m in {HEAVY!r} if m in sys.modules))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def test_yaml_is_imported_for_yaml_files_only() -> None:
    probe = (
        "import sys\n"
        "from deploykit.loading import load_text\n"
        "load_text('metadata: {name: a}', 'a.yaml')\n"
        "print('yaml' in sys.modules, 'pydantic' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "True False"
