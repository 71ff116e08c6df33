"""Property: whatever the bytes, ``deploykit validate`` ends in 0, 1 or 2 and never crashes.

Hypothesis mutates the shipped examples (and two seed specs) the way files get damaged and
the way users get them wrong: truncation, flipped and inserted bytes, values of the wrong type,
deleted and duplicated keys, deep nesting, huge strings, and random YAML (anchors, aliases,
tags, flow and block styles). Every run goes through the real CLI in-process, from a file or
from stdin, in a random output format, and must end with a documented exit code, no traceback
and no "internal error" (issue #2, "Bad input"). Whole directories too: damaged specs beside
symbolic links, link loops, dangling links, FIFOs and unreadable entries, where every readable
file must still be reported (issue #13). Bounded so that it runs in well under a minute.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import stat
import sys
import tempfile
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from deploykit.cli.app import main

ROOT = Path(__file__).resolve().parents[2]
FORMATS = ("text", "json", "sarif", "junit", "github")

# seeds/004's service, and the official appendix's processor-and-container mix
# (reference/eas.md §1.13), so the property holds even before examples/ has EAS files.
INLINE_SEEDS = (
    {
        "name": "image_test",
        "containers": [
            {
                "image": "registry-vpc.cn-shanghai.aliyuncs.com/xxx/yyy:zzz",
                "env": [{"name": "var_name", "value": "var_value"}],
                "command": "/data/eas/ENV/bin/python /data/eas/app.py",
                "port": 8000,
            }
        ],
        "metadata": {"cpu": 1, "instance": 1},
    },
    {
        "processor": "tensorflow_cpu_1.12",
        "model_path": "oss://examplebucket/exampledir/",
        "metadata": {
            "name": "test_eascmd",
            "instance": 1,
            "memory": 2000,
            "rpc": {"keepalive": 5000, "max_queue_size": 64},
            "eas.termination_grace_period": 30,
        },
        "storage": [{"mount_path": "/data_oss", "oss": {"path": "oss://bucket/path/"}}],
        "autoscaler": {"min": 2, "max": 5, "strategies": {"qps": 10}},
        "containers": [
            {
                "image": "registry-vpc.cn-shanghai.aliyuncs.com/xxx/yyy:zzz",
                "prepare": {"pythonRequirements": ["numpy==1.16.4", "absl-py==0.11.0"]},
                "command": "python app.py",
                "port": 8000,
            }
        ],
        "dockerAuth": "dGVzdGNhbzoxMjM0NTY=",
    },
)


def _load_seeds() -> list[Any]:
    seeds: list[Any] = list(INLINE_SEEDS)
    for path in sorted((ROOT / "examples").rglob("*")):
        try:
            if path.suffix == ".json":
                seeds.append(json.loads(path.read_text(encoding="utf-8-sig")))
            elif path.suffix in (".yaml", ".yml"):
                seeds.append(yaml.safe_load(path.read_text(encoding="utf-8")))
        except (ValueError, yaml.YAMLError):
            continue  # examples/broken holds files that are broken on purpose
    return [seed for seed in seeds if isinstance(seed, dict)]


SEEDS = _load_seeds()

Draw = Callable[[st.SearchStrategy[Any]], Any]


def _dump(data: Any, suffix: str) -> bytes:
    if suffix == ".json":
        return json.dumps(data, indent=2, ensure_ascii=False).encode()
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False).encode()


def _places(data: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path to a value inside ``data`` (the root excluded)."""
    found = []
    if isinstance(data, dict):
        items: list[tuple[Any, Any]] = list(data.items())
    elif isinstance(data, list):
        items = list(enumerate(data))
    else:
        return []
    for key, value in items:
        found.append((*path, key))
        found.extend(_places(value, (*path, key)))
    return found


def _parent(data: Any, path: tuple[Any, ...]) -> Any:
    for key in path[:-1]:
        data = data[key]
    return data


_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=False),
    st.text(max_size=30),
    st.sampled_from(["8080", "true", "${PORT}", "<your-name>", "", "oss://b/p/", "/dev/shm"]),
)
_values = st.recursive(
    _scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=12,
)


def swap_type(draw: Draw, seed: Any, suffix: str) -> bytes:
    data = json.loads(json.dumps(seed))
    places = _places(data)
    if places:
        path = draw(st.sampled_from(places))
        _parent(data, path)[path[-1]] = draw(_values)
    return _dump(data, suffix)


def delete_key(draw: Draw, seed: Any, suffix: str) -> bytes:
    data = json.loads(json.dumps(seed))
    places = _places(data)
    if places:
        path = draw(st.sampled_from(places))
        del _parent(data, path)[path[-1]]
    return _dump(data, suffix)


def duplicate_key(draw: Draw, seed: Any, suffix: str) -> bytes:
    key = draw(st.sampled_from(sorted(seed)))
    again = json.dumps(draw(_values))
    pairs = [f"{json.dumps(k)}: {json.dumps(v)}" for k, v in seed.items()]
    pairs.insert(draw(st.integers(0, len(pairs))), f"{json.dumps(key)}: {again}")
    # JSON's object syntax is also YAML flow syntax: the same text serves both suffixes.
    return ("{" + ",\n".join(pairs) + "}").encode()


def truncate(draw: Draw, seed: Any, suffix: str) -> bytes:
    text = _dump(seed, suffix)
    return text[: draw(st.integers(0, len(text)))]


def flip_bytes(draw: Draw, seed: Any, suffix: str) -> bytes:
    text = bytearray(_dump(seed, suffix))
    for _ in range(draw(st.integers(1, 8))):
        at = draw(st.integers(0, len(text)))
        if draw(st.booleans()) and at < len(text):
            text[at] = draw(st.integers(0, 255))
        else:
            text[at:at] = draw(st.binary(min_size=1, max_size=4))
    return bytes(text)


def deep_nesting(draw: Draw, seed: Any, suffix: str) -> bytes:
    depth = draw(st.sampled_from([50, 127, 128, 129, 1_000, 100_000]))
    opener, closer = draw(st.sampled_from([("[", "]"), ('{"a": ', "}")]))
    inner = json.dumps(seed) if draw(st.booleans()) else "1"
    return (opener * depth + inner + closer * depth).encode()


def huge_string(draw: Draw, seed: Any, suffix: str) -> bytes:
    data = json.loads(json.dumps(seed))
    places = _places(data)
    size = draw(st.sampled_from([10_000, 300_000]))
    filler = draw(st.sampled_from(["x", "é", "\\", "\n", "${A}"])) * size
    if places:
        path = draw(st.sampled_from(places))
        _parent(data, path)[path[-1]] = filler
    return _dump(data, suffix)


_yaml_tokens = st.sampled_from(
    [
        "metadata:", "containers:", "  - image: x", "    port: 8080", "name: svc", "key: value",
        "&a", "*a", "<<: *a", "!!python/object/apply:os.system ['true']", "!!binary", "!tag",
        "? ", "- ", "[", "]", "{", "}", ",", ":", "'", '"', "|", ">", "#", "---", "...",
        "%YAML 1.1", "%TAG ! tag:x,2000:", "\t", "\n", "  ", "\ufeff", "~", "0x1F", "1e400",
    ]
)  # fmt: skip


def random_yaml(draw: Draw, seed: Any, suffix: str) -> bytes:
    if draw(st.booleans()):
        return "".join(draw(st.lists(_yaml_tokens, max_size=40))).encode()
    document = draw(st.dictionaries(st.text(max_size=10), _values, max_size=5))
    return yaml.safe_dump(document, default_flow_style=draw(st.booleans())).encode()


MUTATIONS = (
    swap_type,
    delete_key,
    duplicate_key,
    truncate,
    flip_bytes,
    deep_nesting,
    huge_string,
    random_yaml,
)


@st.composite
def damaged_specs(draw: Draw) -> tuple[str, bytes]:
    suffix = draw(st.sampled_from([".json", ".yaml"]))
    mutation = draw(st.sampled_from(MUTATIONS))
    return suffix, mutation(draw, draw(st.sampled_from(SEEDS)), suffix)


def run_cli(args: list[str], stdin: bytes = b"") -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    real_stdin = sys.stdin
    sys.stdin = io.TextIOWrapper(io.BytesIO(stdin))
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(args)
    finally:
        sys.stdin = real_stdin
    return code, out.getvalue(), err.getvalue()


@settings(max_examples=150)
@given(
    spec=damaged_specs(),
    fmt=st.sampled_from(FORMATS),
    strict=st.booleans(),
    via_stdin=st.booleans(),
)
def test_any_damaged_spec_ends_in_0_1_or_2(
    spec: tuple[str, bytes], fmt: str, strict: bool, via_stdin: bool
) -> None:
    suffix, content = spec
    options = ["--format", fmt] + (["--strict"] if strict else [])
    if via_stdin:
        code, out, err = run_cli(
            ["validate", "-", "--stdin-filename", f"service{suffix}", *options], content
        )
    else:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / f"service{suffix}"
            path.write_bytes(content)
            code, out, err = run_cli(["validate", str(path), *options])
    assert code in (0, 1, 2), err
    assert "Traceback" not in err and "Traceback" not in out
    assert "internal error" not in err, err
    # Whatever the input held, the machine-readable formats stay machine-readable.
    if fmt in ("json", "sarif"):
        json.loads(out)
    elif fmt == "junit":
        ET.fromstring(out)  # noqa: S314 - our own output


# --- directories: what a repository holds besides specs (issue #13) -----------------------

# Each entry a directory may hold: a spec (damaged or not) and what makes a walk go wrong.
ENTRY_KINDS = (
    "spec",
    "spec_in_subdir",
    "link_to_spec",
    "link_to_dir",
    "loop_pair",
    "self_loop",
    "dangling",
    "fifo",
    "locked_file",
    "locked_dir",
)
# Entries that are reported as a DK finding of their own path, whatever they are named.
PROBLEMS = {"loop_pair", "self_loop", "dangling", "fifo", "locked_file", "locked_dir"}


@st.composite
def repository(draw: Draw) -> list[tuple[str, tuple[str, bytes]]]:
    kinds = draw(st.lists(st.sampled_from(ENTRY_KINDS), min_size=1, max_size=8))
    return [(kind, draw(damaged_specs())) for kind in kinds]


def _build(root: Path, entries: list[tuple[str, tuple[str, bytes]]]) -> tuple[set[Path], set[str]]:
    """Lay ``entries`` out under ``root``: (the readable spec files, by real path; the paths
    that must be reported with a DK finding of their own)."""
    readable: set[Path] = set()
    problems: set[str] = set()
    for index, (kind, (suffix, content)) in enumerate(entries):
        name = root / f"e{index}{suffix}"
        if kind in ("spec", "link_to_spec", "locked_file"):
            name.write_bytes(content)
        elif kind in ("spec_in_subdir", "link_to_dir", "locked_dir"):
            name = root / f"d{index}"
            name.mkdir()
            (name / f"service{suffix}").write_bytes(content)
        if kind in ("spec", "link_to_spec"):
            readable.add(name.resolve())
        elif kind in ("spec_in_subdir", "link_to_dir"):
            readable.add((name / f"service{suffix}").resolve())
        if kind == "link_to_spec":
            (root / f"link{index}{suffix}").symlink_to(name)
        elif kind == "link_to_dir":
            (root / f"link{index}").symlink_to(name)
        elif kind == "loop_pair":
            (root / f"a{index}").symlink_to(root / f"b{index}")
            (root / f"b{index}").symlink_to(root / f"a{index}")
            problems |= {str(root / f"a{index}"), str(root / f"b{index}")}
        elif kind == "self_loop":
            name.symlink_to(name)
        elif kind == "dangling":
            name.symlink_to(root / f"gone{index}{suffix}")
        elif kind == "fifo":
            os.mkfifo(name)
        elif kind == "locked_file":
            name.rename(name := root / f"locked{index}{suffix}")
            name.chmod(0)
        elif kind == "locked_dir":
            name.rename(name := root / f"locked{index}")
            name.chmod(0)
        if kind in PROBLEMS - {"loop_pair"}:
            problems.add(str(name))
    return readable, problems


@contextlib.contextmanager
def _as_the_os_answers_a_user() -> Iterator[None]:
    """Root reads a file or lists a directory whatever its mode: answer as the OS does to
    anyone else. A FIFO must never be opened: fail at once rather than hang the test."""
    real_open, real_scandir = os.open, os.scandir

    def refuse_locked(path: Any) -> None:
        if os.geteuid() == 0 and Path(path).name.startswith("locked"):
            raise PermissionError(13, "Permission denied", str(path))

    def guarded_open(path: Any, *args: Any, **kwargs: Any) -> int:
        if stat.S_ISFIFO(os.stat(path).st_mode):
            raise AssertionError(f"{path}: a FIFO was opened")
        refuse_locked(path)
        return real_open(path, *args, **kwargs)

    def guarded_scandir(path: Any) -> Any:
        refuse_locked(path)
        return real_scandir(path)

    with mock.patch.object(os, "open", guarded_open), mock.patch.object(
        os, "scandir", guarded_scandir
    ):
        yield


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX links and FIFOs")
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(entries=repository())
def test_any_directory_ends_in_0_1_or_2_with_every_readable_file_reported(
    entries: list[tuple[str, tuple[str, bytes]]],
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        readable, problems = _build(root, entries)
        try:
            with _as_the_os_answers_a_user():
                code, out, err = run_cli(["validate", "--format", "json", str(root)])
        finally:
            for locked in root.glob("locked*"):
                locked.chmod(0o700)
        assert code in (0, 1, 2), err
        assert "Traceback" not in err and "internal error" not in err, err
        files = {f["path"]: f for f in json.loads(out)["files"]}
        # Through whichever path it was reached (a link, or its own name).
        reported = {Path(p).resolve() for p in files if Path(p).is_file()}
    assert readable <= reported
    for path in problems:
        assert files[path]["diagnostics"][0]["rule"].startswith("DK"), files[path]
    if problems:
        assert code == 2


def test_the_seeds_include_the_examples() -> None:
    # The property is only as good as its seeds: the shipped examples must be among them.
    assert len(SEEDS) > len(INLINE_SEEDS)
