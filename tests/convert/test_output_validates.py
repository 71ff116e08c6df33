"""convert never writes what validate rejects (issue #12): for generated inputs in both
directions, `deploykit convert -o OUT` either writes a spec `deploykit validate` passes with
no error (exit 0), or writes nothing (exit 1 or 2).

Inputs are the examples users copy with generated edits at the fields conversion reads,
and generated options, as a user would combine them.
"""

from __future__ import annotations

import contextlib
import json
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from spec_kit import EAS_EXAMPLES, MODELARTS_EXAMPLES, example

from deploykit import pointer as jp
from deploykit.cli.app import main
from deploykit.diagnostics import Severity
from deploykit.validation import ValidateOptions, validate_paths

ACR_IMAGE = "registry-vpc.cn-shanghai.aliyuncs.com/ml-team/echo:v1"
# Values users write, mistakes included: reserved and out-of-range ports, paths without /,
# shell syntax in a command, masked and template values, wrong JSON types.
VALUES = st.one_of(
    st.sampled_from(
        [8000, 8080, 9090, 0, 70000, "8000", "/health", "health", "", "****", "${IMAGE}",
         "python app.py", "cd /app && python app.py", "sh /home/run.sh", ACR_IMAGE,
         "swr.cn-north-4.myhuaweicloud.com/team/echo:1.0", "docker.io/library/python:3.10",
         "HTTP", "EXEC", "http", "https", "Image", "TensorFlow", "12", "twelve", True, None,
         ["numpy==1.0", "torch>=2.1"], {"path": "/health", "port": 8000}]
    ),
    st.integers(-5, 70000),
    st.text(max_size=12),
)  # fmt: skip
EAS_FIELDS = (
    "/containers/0/port", "/containers/0/image", "/containers/0/command",
    "/containers/0/script", "/containers/0/health_check/http_get/path",
    "/containers/0/health_check/http_get/port", "/containers/0/health_check/period_seconds",
    "/containers/0/prepare/pythonRequirements", "/metadata/name", "/metadata/instance",
)  # fmt: skip
MODELARTS_FIELDS = (
    "/port", "/swr_location", "/model_type", "/protocol", "/health/url",
    "/health/check_method", "/health/command", "/health/initial_delay_seconds",
    "/apis/0/url", "/dependencies/0/packages/0/package_version",
)  # fmt: skip
OPTIONS = st.fixed_dictionaries(
    {},
    optional={
        "--port": st.sampled_from(["8000", "7000", "8080", "90"]),
        "--image": st.sampled_from([ACR_IMAGE, "****", "python:3.10"]),
        "--command": st.sampled_from(["python app.py", "cd /app && python app.py", ""]),
        "--script": st.sampled_from(["cd /app && python app.py", "sh /home/run.sh"]),
        "--name": st.sampled_from(["echo", "Echo-Service", "x"]),
    },
)


@st.composite
def conversions(draw: st.DrawFn) -> tuple[Any, str, list[str]]:
    to = draw(st.sampled_from(["eas", "modelarts"]))
    sources, fields = (MODELARTS_EXAMPLES, MODELARTS_FIELDS) if to == "eas" else (
        EAS_EXAMPLES, EAS_FIELDS)  # fmt: skip
    path = draw(st.sampled_from(sources))
    spec = example(str(path.relative_to(path.parents[1])))
    for field in draw(st.lists(st.sampled_from(fields), max_size=3, unique=True)):
        value = draw(VALUES)
        # Where the example holds a scalar on the way to the field, it is left as it is.
        with contextlib.suppress(ValueError, TypeError, AttributeError):
            jp.put(spec, field, value)
    # Half the time, what EAS needs and config.json lacks is given, as the report asks.
    needed = {"--port": "8000", "--image": ACR_IMAGE, "--command": "sh /home/run.sh"}
    options = {**draw(st.sampled_from([needed, {}])), **draw(OPTIONS)} if to == "eas" else {}
    if "--command" in options and "--script" in options:
        del options[draw(st.sampled_from(["--command", "--script"]))]
    if to == "modelarts" and draw(st.booleans()):
        options = {"--port": draw(st.sampled_from(["8000", "8080"]))}
    return spec, to, [word for pair in options.items() for word in pair]


@settings(max_examples=200)
@given(conversions())
def test_convert_writes_only_what_validate_passes(conversion: tuple[Any, str, list[str]]) -> None:
    spec, to, options = conversion
    with tempfile.TemporaryDirectory() as folder:
        source, output = Path(folder) / "input.json", Path(folder) / "output.json"
        source.write_text(json.dumps(spec), encoding="utf-8")
        platform = "modelarts" if to == "eas" else "eas"
        code = main(["convert", str(source), "--to", to, "--from", platform, *options,
                     "-o", str(output)])  # fmt: skip
        if code != 0:
            assert not output.exists(), code
            return
        [report] = validate_paths([str(output)], ValidateOptions(platform=to)).files
        errors = [f"{d.rule}: {d.message}" for d in report.diagnostics
                  if d.severity is Severity.ERROR]  # fmt: skip
        assert errors == []
