"""Bad input through the CLI (issue #2, "Bad input" and "Real files").

Every damaged file gets exit 2, a DK001 finding with a one-line cause and a fix in the report
(the other files are still checked), and never a traceback. Untidy but valid files (tabs,
CRLF, a BOM) are read as users wrote them, with positions that point at the right character.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from deploykit.cli.app import main

VALID = (
    '{"metadata": {"name": "image_test", "instance": 1},\n'
    ' "containers": [{"image": "registry-vpc.cn-shanghai.aliyuncs.com/xxx/yyy:zzz",\n'
    '                 "command": "python app.py", "port": 8000}]}\n'
)
BILLION_LAUGHS = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(8)
)
BAD_INPUTS = {
    "empty.json": b"",
    "blank.yaml": b"  \n\n",
    "bom-only.json": b"\xef\xbb\xbf",
    "utf16.json": VALID.encode("utf-16"),
    "latin1.json": VALID.replace("image_test", "servicé").encode("latin-1"),
    "picture.json": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00",
    "truncated.json": VALID[:60].encode(),
    "alias-bomb.yaml": BILLION_LAUGHS.encode(),
    "deep.json": b"[" * 100_000 + b"]" * 100_000,
    "deep.yaml": b"a: " + b"[" * 5_000 + b"]" * 5_000,
    "python-tag.yaml": b"metadata: !!python/object/apply:os.system ['echo hi']\n",
    "two-documents.yaml": b"metadata: {name: a}\n---\nmetadata: {name: b}\n",
    "control-character.yaml": b"metadata:\n  name: image\x01test\n",
}


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["validate", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.mark.parametrize("name", BAD_INPUTS)
def test_bad_input_is_exit_2_with_a_cause_and_a_fix(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    bad = tmp_path / name
    bad.write_bytes(BAD_INPUTS[name])
    good = tmp_path / "good.json"
    good.write_text(VALID)
    code, out, err = run(capsys, str(bad), str(good))
    assert code == 2, out + err
    assert "Traceback" not in err and "internal error" not in err
    first, fix, *rest = out.splitlines()
    assert first.startswith(f"{bad}:") and " error DK001 " in first
    assert fix.startswith("    fix: ")
    assert rest[-1].startswith("checked 2 files: ") and rest[-1].endswith("(1 file unreadable)")


def test_a_file_over_the_size_limit(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    big = tmp_path / "huge.json"
    with big.open("wb") as f:  # 16 MiB + 1 (deploykit.loading.limits.MAX_SPEC_BYTES)
        f.write(b'{"model_config": "' + b"x" * (16 * 1024 * 1024) + b'"}')
    code, out, _ = run(capsys, str(big))
    assert code == 2
    assert " error DK001 " in out.splitlines()[0]


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads any file")
def test_an_unreadable_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    locked = tmp_path / "locked.json"
    locked.write_text(VALID)
    locked.chmod(0)
    try:
        code, out, _ = run(capsys, str(locked))
    finally:
        locked.chmod(0o600)
    assert code == 2
    assert " error DK001 " in out.splitlines()[0]


def test_tabs_crlf_and_a_bom_are_read_with_exact_positions(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Tab-indented JSON with CRLF line endings and a UTF-8 BOM, as Windows editors save it;
    # the quoted instance count is on line 4, and its value starts at column 15
    # (each of the two tabs counts one column, as editors and GitHub annotations count).
    text = (
        '{\r\n\t"metadata": {\r\n\t\t"name": "image_test",\r\n\t\t"instance": "2"\r\n\t},\r\n'
        '\t"containers": [{"image": "registry-vpc.cn-shanghai.aliyuncs.com/x/y:z",\r\n'
        '\t\t"command": "python app.py", "port": 8000}]\r\n}\r\n'
    )
    path = tmp_path / "windows.json"
    path.write_bytes(b"\xef\xbb\xbf" + text.encode())
    code, out, _ = run(capsys, str(path), "--format", "json")
    assert code == 1
    (finding,) = json.loads(out)["files"][0]["diagnostics"]
    assert (finding["rule"], finding["pointer"]) == ("EAS002", "/metadata/instance")
    assert (finding["line"], finding["column"]) == (4, 15)
