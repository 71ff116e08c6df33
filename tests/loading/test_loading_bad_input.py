"""Bad input: each case is a SpecError with a one-line cause, a position where there is one,
and a fix — never a traceback (issue #2, "Bad input")."""

from __future__ import annotations

import io
import os
import sys
from pathlib import Path

import pytest

from deploykit.errors import SpecError
from deploykit.loading import Target, load_target, load_text
from deploykit.loading.limits import (
    MAX_ALIAS_NODES,
    MAX_DEPTH,
    MAX_INTEGER_DIGITS,
    MAX_SPEC_BYTES,
)

SEED = (
    b'{\n  "metadata": {"name": "image_test", "instance": 1},\n'
    b'  "containers": [{"port": 8000}]\n}\n'
)


def _load_file(tmp_path: Path, name: str, content: bytes) -> SpecError:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(SpecError) as caught:
        load_target(Target(str(path), "spec"))
    assert caught.value.path == str(path)
    return caught.value


def _assert_one_line(err: SpecError) -> None:
    assert "\n" not in err.message
    assert err.hint and "\n" not in err.hint
    assert "Traceback" not in str(err)


# (file name, content, expected words in the message, line, column, expected words in hint)
CASES = [
    ("empty.json", b"", "file is empty", None, None, "write the service spec"),
    ("blank.yaml", b"  \r\n\t\n", "only whitespace", None, None, "write the service spec"),
    ("comments.yaml", b"# TODO: fill in\n", "only comments", None, None, "write the service spec"),
    (
        "latin1.json",
        b'{\n  "metadata": {\n    "name": "caf\xe9"\n  }\n}\n',
        "not valid UTF-8: byte 0xE9 at offset 34",
        3,
        17,
        "UTF-8",
    ),
    ("binary.json", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary", None, None, "JSON or YAML"),
    (
        "utf16le.json",
        b"\xff\xfe" + SEED.decode().encode("utf-16-le"),
        "UTF-16",
        None,
        None,
        "UTF-8",
    ),
    (
        "utf16be.json",
        b"\xfe\xff" + SEED.decode().encode("utf-16-be"),
        "UTF-16",
        None,
        None,
        "UTF-8",
    ),
    ("utf16.json", SEED.decode().encode("utf-16-le"), "UTF-16", None, None, "UTF-8"),
    ("utf32.json", SEED.decode().encode("utf-32"), "UTF-32", None, None, "UTF-8"),
    (
        "trailing.json",
        b'{\n  "metadata": {"instance": 1,},\n  "containers": []\n}',
        "trailing comma before `}`",
        2,
        29,
        "remove the comma",
    ),
    (
        "trailing-array.json",
        b'{"containers": [{"port": 8000},\n]}',
        "trailing comma before `]`",
        1,
        31,
        "remove the comma",
    ),
    (
        "comment.json",
        b'{\n  // the service\n  "metadata": {}\n}',
        "does not allow comments",
        2,
        3,
        "delete the comment",
    ),
    (
        "block-comment.json",
        b'{"metadata": {} /* replicas */}',
        "does not allow comments",
        1,
        17,
        "delete the comment",
    ),
    (
        "template.json",
        b'{\n  "metadata": {\n    "instance": ${N},\n    "cpu": 1\n  }\n}',
        "`${N}` is not a JSON value: it looks like an unfilled template value",
        3,
        17,
        "fill in the template",
    ),
    (
        "jinja.json",
        b'{"metadata": {"instance": {{ replicas }}}}',
        "`{{ replicas }}` is not a JSON value: it looks like an unfilled template value",
        1,
        27,
        "fill in the template",
    ),
    (
        "python.json",
        b'{"metadata": {"enable_grpc": True}}',
        "`True` is Python, not JSON",
        1,
        30,
        "`true`",
    ),
    (
        "quotes.json",
        b"{'metadata': {}}",
        "single quotes",
        1,
        2,
        "double quotes",
    ),
    (
        "unclosed.json",
        b'{\n  "metadata": {"instance": 1}\n',
        "ends before the JSON is complete",
        3,
        1,
        "closing bracket",
    ),
    (
        "two-objects.json",
        b'{"metadata": {}}\n{"metadata": {}}\n',
        "more content after the end",
        2,
        1,
        "exactly one JSON object",
    ),
    (
        "fullwidth.json",
        '{"metadata": {"name"\uff1a "image_test"}}'.encode(),
        "U+FF1A `\uff1a` is not JSON syntax",
        1,
        21,
        "replace it with `:`",
    ),
    (
        "nbsp.json",
        '{"metadata":\u00a0{}}'.encode(),
        "U+00A0",
        1,
        13,
        "plain space",
    ),
    (
        "yaml-named.json",
        b"# exported from the console\nmetadata:\n  name: image_test\n",
        "the file is not JSON: it looks like YAML",
        1,
        1,
        "rename it to .yaml",
    ),
    ("nan.json", b'{"metadata": {"cpu": NaN}}', "`NaN` is not a JSON number", 1, 22, "finite"),
    (
        "tabs.yaml",
        b"metadata:\n\tname: image_test\n",
        "invalid YAML",
        2,
        1,
        "indent with spaces",
    ),
    (
        "broken.yaml",
        b"metadata:\n  name: [image_test\n  cpu: 1\n",
        "invalid YAML",
        None,
        None,
        "indentation and quoting",
    ),
    (
        "two-docs.yaml",
        b"metadata:\n  name: a\n---\nmetadata:\n  name: b\n",
        "more than one document",
        3,
        1,
        "its own file",
    ),
    (
        "pickle.yaml",
        b"metadata: !!python/object/apply:os.system ['rm -rf /']\n",
        "YAML tag `!!python/object/apply:os.system` is not plain data",
        1,
        11,
        "remove the tag",
    ),
    (
        "binary-tag.yaml",
        b"token: !!binary aGVsbG8=\n",
        "`!!binary` is not plain data",
        1,
        8,
        "remove",
    ),
    ("custom-tag.yaml", b"metadata: !Ref Name\n", "`!Ref` is not plain data", 1, 11, "remove"),
    (
        "int-key.yaml",
        b"metadata:\n  8000: port\n",
        "map key `8000` is read as int, not a string",
        2,
        3,
        'quote the key: "8000":',
    ),
    ("bool-key.yaml", b"metadata:\n  on: 1\n", "map key `on` is read as bool", 2, 3, "quote"),
    (
        "template.yaml",
        b"metadata:\n  instance: {{ replicas }}\n",
        "`{{ replicas }}` looks like an unfilled template value",
        2,
        13,
        "fill in the template",
    ),
    (
        "recursive.yaml",
        b"metadata: &m\n  self: *m\n",
        "recursive YAML alias",
        None,
        None,
        "actual value",
    ),
    (
        "array.json",
        b'[{"metadata": {}}, {"metadata": {}}]',
        "top level is an array",
        1,
        1,
        "own file",
    ),
    ("string.json", b'  "image_test"', "top level is a string", 1, 3, "one object"),
    ("null.yaml", b"~\n", "top level is null", 1, 1, "one object"),
    ("list.yaml", b"- metadata: {}\n", "top level is an array", 1, 1, "own file"),
]


@pytest.mark.parametrize(
    ("name", "content", "message", "line", "column", "hint"),
    CASES,
    ids=[case[0] for case in CASES],
)
def test_bad_file_is_a_one_line_spec_error(
    tmp_path: Path,
    name: str,
    content: bytes,
    message: str,
    line: int | None,
    column: int | None,
    hint: str,
) -> None:
    err = _load_file(tmp_path, name, content)
    assert message in err.message
    if line is not None:
        assert (err.line, err.column) == (line, column)
    assert hint in (err.hint or "")
    _assert_one_line(err)


def test_missing_path(tmp_path: Path) -> None:
    with pytest.raises(SpecError) as caught:
        load_target(Target(str(tmp_path / "nope.json"), "spec"))
    assert caught.value.message == "no such file"
    assert caught.value.path == str(tmp_path / "nope.json")
    _assert_one_line(caught.value)


def test_directory_where_a_file_was_expected(tmp_path: Path) -> None:
    with pytest.raises(SpecError) as caught:
        load_target(Target(str(tmp_path), "spec"))
    assert caught.value.message == "is a directory, expected a spec file"
    _assert_one_line(caught.value)


@pytest.mark.skipif(
    sys.platform == "win32" or os.geteuid() == 0, reason="root reads files regardless of mode"
)
def test_permission_denied(tmp_path: Path) -> None:
    path = tmp_path / "secret.json"
    path.write_bytes(SEED)
    path.chmod(0)
    with pytest.raises(SpecError) as caught:
        load_target(Target(str(path), "spec"))
    assert caught.value.message == "permission denied"
    _assert_one_line(caught.value)


def test_permission_denied_as_the_os_reports_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same, where the test runs as root: the OS error is what we translate."""
    path = tmp_path / "secret.json"
    path.write_bytes(SEED)

    def refuse(name: str, *args: object, **kwargs: object) -> int:
        raise PermissionError(13, "Permission denied", name)

    monkeypatch.setattr(os, "open", refuse)
    with pytest.raises(SpecError) as caught:
        load_target(Target(str(path), "spec"))
    assert caught.value.message == "permission denied"
    assert "chmod" in (caught.value.hint or "")


def test_file_over_the_size_limit_is_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "huge.json"
    with path.open("wb") as sparse:
        sparse.truncate(MAX_SPEC_BYTES + 1)
    with pytest.raises(SpecError) as caught:
        load_target(Target(str(path), "spec"))
    assert caught.value.message == "file is too large (16 MiB; the limit is 16 MiB)"
    _assert_one_line(caught.value)


def test_non_utf8_offset_counts_the_bom_but_the_column_does_not(tmp_path: Path) -> None:
    err = _load_file(tmp_path, "bom-latin1.json", b'\xef\xbb\xbf{"metadata": {"name": "caf\xe9"}}')
    assert err.message == "not valid UTF-8: byte 0xE9 at offset 29"
    assert (err.line, err.column) == (1, 27)


def test_text_over_the_size_limit() -> None:
    data = b'{"metadata": {"name": "' + b"x" * MAX_SPEC_BYTES + b'"}}'
    with pytest.raises(SpecError, match="too large"):
        load_text(data, "big.json")


def test_json_nested_deeper_than_the_limit_points_at_the_level() -> None:
    text = '{"metadata":\n' + "[" * MAX_DEPTH + "]" * MAX_DEPTH + "}"
    with pytest.raises(SpecError) as caught:
        load_text(text, "deep.json")
    assert caught.value.message == f"nested deeper than {MAX_DEPTH} levels of objects and arrays"
    # The root object is level 1: the 128th "[" opens level 129.
    assert (caught.value.line, caught.value.column) == (2, MAX_DEPTH)


def test_json_nested_past_pythons_recursion_limit() -> None:
    text = '{"a": ' + "[" * 100_000 + "]" * 100_000 + "}"
    with pytest.raises(SpecError) as caught:
        load_text(text, "bomb.json")
    assert "nested deeper than" in caught.value.message
    assert (caught.value.line, caught.value.column) == (1, 6 + MAX_DEPTH)


def test_yaml_nested_deeper_than_the_limit() -> None:
    text = "metadata: " + "[" * (MAX_DEPTH + 5) + "]" * (MAX_DEPTH + 5) + "\n"
    with pytest.raises(SpecError) as caught:
        load_text(text, "deep.yaml")
    assert "nested deeper than" in caught.value.message
    assert (caught.value.line, caught.value.column) == (1, 11 + MAX_DEPTH - 1)


def test_yaml_nested_past_pythons_recursion_limit() -> None:
    text = "a: " + "[" * 5_000 + "]" * 5_000 + "\n"
    with pytest.raises(SpecError, match="nested deeper than"):
        load_text(text, "bomb.yaml")


BILLION_LAUGHS = b"""\
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
"""


def test_yaml_alias_bomb_is_refused_quickly(tmp_path: Path) -> None:
    err = _load_file(tmp_path, "lol.yaml", BILLION_LAUGHS)
    assert err.message == (
        f"YAML aliases expand to more than {MAX_ALIAS_NODES} nodes (an alias bomb?)"
    )
    assert err.line is not None
    _assert_one_line(err)


def test_yaml_anchors_of_ordinary_size_are_fine() -> None:
    text = (
        "x-env: &env\n"
        "  - {name: MODEL_DIR, value: /mnt/model}\n"
        "  - {name: LOG_LEVEL, value: info}\n"
        "metadata: {name: svc, instance: 1}\n"
        "containers:\n"
        "  - {image: 'registry-vpc.cn-shanghai.aliyuncs.com/a/b:1', port: 8000, env: *env}\n"
        "  - {image: 'registry-vpc.cn-shanghai.aliyuncs.com/a/c:1', port: 8001, env: *env}\n"
    )
    spec = load_text(text, "anchors.yaml")
    assert spec.data["containers"][1]["env"][1] == {"name": "LOG_LEVEL", "value": "info"}


def test_an_unquoted_secret_is_not_echoed() -> None:
    text = '{"metadata": {"name": "s"}, "dockerAuth": dGVzdGNhbzoxMjM0NTY=}'
    with pytest.raises(SpecError) as caught:
        load_text(text, "secret.json")
    assert "dGVzdGNhbzoxMjM0NTY" not in str(caught.value)
    assert "dGVzdGNhbzoxMjM0NTY" not in (caught.value.hint or "")


def _stdin(monkeypatch: pytest.MonkeyPatch, data: bytes) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))


def test_stdin_errors_name_the_stdin_filename(monkeypatch: pytest.MonkeyPatch) -> None:
    _stdin(monkeypatch, b'{"metadata": {},}')
    with pytest.raises(SpecError) as caught:
        load_target(Target("-", "spec"), stdin_name="services/image.json")
    assert str(caught.value).startswith("services/image.json:1:16: invalid JSON: trailing comma")


def test_stdin_without_a_name(monkeypatch: pytest.MonkeyPatch) -> None:
    _stdin(monkeypatch, b"")
    with pytest.raises(SpecError) as caught:
        load_target(Target("-", "spec"))
    assert str(caught.value) == "<stdin>: file is empty"


def test_stdin_yaml_is_sniffed_and_named(monkeypatch: pytest.MonkeyPatch) -> None:
    _stdin(monkeypatch, b"metadata:\n  name: image_test\n  instance: 1\n")
    spec = load_target(Target("-", "spec"))
    assert (spec.path, spec.format, spec.platform) == ("<stdin>", "yaml", "eas")
    assert spec.source_map.locate("/metadata/instance") == (3, 13)


def test_no_stdin_at_all(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", None)
    with pytest.raises(SpecError) as caught:
        load_target(Target("-", "spec"), stdin_name="svc.json")
    assert str(caught.value) == "svc.json: standard input is not available"


@pytest.mark.parametrize(
    ("name", "template"),
    [
        ("service.json", '{"metadata": {"instance": %s}}'),
        ("service.yaml", "metadata:\n  instance: %s\n"),
    ],
)
def test_the_longest_integer_python_converts_loads_and_one_digit_more_is_out_of_range(
    name: str, template: str
) -> None:
    """issue #13: one digit past Python's int/str limit was exit 70."""
    longest = "9" * MAX_INTEGER_DIGITS
    assert load_text(template % longest, name).data["metadata"]["instance"] == int(longest)
    with pytest.raises(SpecError) as caught:
        load_text(template % (longest + "9"), name)
    assert caught.value.rule == "DK006"
    assert caught.value.pointer == "/metadata/instance"
    assert caught.value.message.startswith(f"integer of {MAX_INTEGER_DIGITS + 1} digits")
    _assert_one_line(caught.value)


def test_an_integer_past_the_limit_before_broken_json_is_still_placed() -> None:
    # json stops at the integer: what follows it is never checked, nor needs to be.
    text = '{"a": [1, {"b": ' + "1" * (MAX_INTEGER_DIGITS + 1) + ", }"
    with pytest.raises(SpecError) as caught:
        load_text(text, "broken.json")
    assert (caught.value.rule, caught.value.pointer) == ("DK006", "/a/1/b")
    assert (caught.value.line, caught.value.column) == (1, 17)
