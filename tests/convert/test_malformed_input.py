"""Whatever a spec holds, convert() answers with a result or a ConversionError, never a crash,
and every finding it makes points at a place in the source (issue #4; PRODUCT.md "never a
traceback")."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

from conversion_testkit import eas_service, load_data
from hypothesis import given, settings
from hypothesis import strategies as st

from deploykit.conversion import Overrides, convert
from deploykit.errors import ConversionError
from deploykit.loading import load_text

# Field names of both platforms, so generated documents reach every transform.
KEYS = st.sampled_from(
    [
        "model_type",
        "model_algorithm",
        "swr_location",
        "port",
        "protocol",
        "dependencies",
        "health",
        "readiness_health",
        "installer",
        "packages",
        "package_name",
        "package_version",
        "restraint",
        "check_method",
        "url",
        "command",
        "period_seconds",
        "metadata",
        "containers",
        "image",
        "script",
        "env",
        "prepare",
        "pythonRequirements",
        "health_check",
        "http_get",
        "exec",
        "tcp_socket",
        "path",
        "name",
        "instance",
    ]
)
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 70000),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from(
        [
            "HTTP",
            "EXEC",
            "pip",
            "EXACT",
            "ATLEAST",
            "",
            "8080",
            "/health",
            "numpy==1.0",
            "a b",
            "Image",
        ]
    ),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(KEYS, inner, max_size=4)),
    max_leaves=20,
)


@settings(max_examples=300)
@given(st.dictionaries(KEYS, VALUES, max_size=6), st.sampled_from(["eas", "modelarts"]))
def test_any_document_converts_or_is_refused_cleanly(document: dict[str, Any], source: str) -> None:
    loaded = load_text(json.dumps(document), "spec.json", platform=source)
    target = "modelarts" if source == "eas" else "eas"
    try:
        result = convert(loaded, target, Overrides())
    except ConversionError:
        return
    json.dumps(result.data)  # plain JSON, ready to write
    for diagnostic in result.diagnostics:
        assert diagnostic.pointer is not None
        assert diagnostic.line is not None, diagnostic


def test_a_document_that_is_not_an_object_is_refused() -> None:
    loaded = load_data(eas_service())
    object.__setattr__(loaded, "data", ["not", "an", "object"])
    try:
        convert(loaded, "modelarts", Overrides())
    except ConversionError as err:
        assert "not a JSON object" in err.message
    else:
        raise AssertionError("a list was converted")


def test_public_convert_is_the_function_whichever_import_came_first() -> None:
    # The package is deploykit.conversion; deploykit.convert (in deploykit.__all__) is the
    # function, also after the package was imported first.
    code = (
        "import json, deploykit.conversion, deploykit.validation, deploykit\n"
        "from deploykit.loading import load_text\n"
        f"spec = load_text({json.dumps(json.dumps(eas_service()))}, 'service.json')\n"
        "print(deploykit.convert(spec, 'modelarts').data['model_type'])\n"
        "print(callable(deploykit.validate), deploykit.validate.__module__)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)

    assert done.stdout.split() == ["Image", "True", "deploykit.validation"]
