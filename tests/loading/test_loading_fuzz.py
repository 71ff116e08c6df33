"""Property: whatever bytes a user hands us, loading ends in a LoadedSpec or a SpecError with
a one-line cause and a fix — never another exception (issue #2, "Bad input")."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from deploykit.errors import SpecError
from deploykit.loading import load_text

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
SEEDS = sorted(p for p in EXAMPLES.rglob("*") if p.suffix in (".json", ".yaml", ".yml"))

SEED_YAML = b"""\
name: image_test  # seeds/004
containers:
  - image: registry-vpc.cn-shanghai.aliyuncs.com/xxx/yyy:zzz
    env: &env
      - {name: var_name, value: var_value}
    command: /data/eas/ENV/bin/python /data/eas/app.py
    port: 8000
metadata: {cpu: 1, instance: 1}
"""

# Bytes that make parsers unhappy: structure, quotes, escapes, YAML indicators, encodings.
NASTY = [*b"{}[],:\"\\\t\r\n #&*!|>-?%@`'", 0x00, 0xFF, 0xFE, 0xEF, 0xBB, 0xBF, 0xC3, 0xE3]


@st.composite
def mutated(draw: st.DrawFn, original: bytes) -> bytes:
    data = bytearray(original)
    for _ in range(draw(st.integers(1, 6))):
        position = draw(st.integers(0, len(data)))
        action = draw(st.sampled_from(["insert", "delete", "replace", "duplicate", "truncate"]))
        byte = draw(st.sampled_from(NASTY) | st.integers(0, 255))
        if action == "insert":
            data[position:position] = bytes([byte])
        elif action == "delete":
            del data[position : position + draw(st.integers(1, 8))]
        elif action == "replace" and position < len(data):
            data[position] = byte
        elif action == "duplicate":
            end = min(len(data), position + draw(st.integers(1, 40)))
            data[position:position] = data[position:end]
        elif action == "truncate":
            del data[position:]
    return bytes(data)


def _check(data: bytes, name: str) -> None:
    try:
        spec = load_text(data, name)
    except SpecError as err:
        assert err.message and "\n" not in err.message
        assert err.hint and "\n" not in err.hint
        assert err.line is None or (err.line >= 1 and err.column is not None and err.column >= 1)
        return
    assert isinstance(spec.data, dict)
    for finding in spec.findings:
        assert finding.line is not None and finding.line >= 1


@pytest.mark.parametrize("seed", SEEDS, ids=[p.name for p in SEEDS])
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_mutated_examples_load_or_fail_cleanly(seed: Path, data: st.DataObject) -> None:
    _check(data.draw(mutated(seed.read_bytes())), seed.name)


@settings(max_examples=300, deadline=None)
@given(data=mutated(SEED_YAML), name=st.sampled_from(["image.yaml", "image.json", "-"]))
def test_mutated_yaml_loads_or_fails_cleanly(data: bytes, name: str) -> None:
    _check(data, name)
