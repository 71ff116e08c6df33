"""The public API: one curated, sorted __all__, every name resolving (as httpx keeps its own)."""

import subprocess
import sys

import deploykit


def test_all_is_sorted_and_unique() -> None:
    assert deploykit.__all__ == sorted(set(deploykit.__all__))


def test_every_public_name_resolves() -> None:
    for name in deploykit.__all__:
        assert getattr(deploykit, name) is not None, name


def test_importing_the_package_loads_no_network_or_model_code() -> None:
    code = (
        "import sys, deploykit; "
        "heavy = [m for m in ('httpx', 'tenacity', 'pydantic', 'yaml', 'typer') "
        "if m in sys.modules]; "
        "print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
