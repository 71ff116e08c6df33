from __future__ import annotations

import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from deploykit.diagnostics import Diagnostic, FileReport, Report, Severity
from deploykit.render import render
from deploykit.render.json_document import dumps


def test_reproduces_the_document_in_product_md() -> None:
    documented = {
        "version": 1,
        "files": [
            {
                "path": "image.json",
                "platform": "eas",
                "valid": False,
                "diagnostics": [
                    {
                        "rule": "EAS101",
                        "severity": "error",
                        "message": "containers[0].port 8080 is reserved by the EAS engine",
                        "pointer": "/containers/0/port",
                        "line": 12,
                        "column": 17,
                        "suggestion": "listen on another port, e.g. 8000",
                    }
                ],
            }
        ],
        "summary": {"files": 1, "errors": 1, "warnings": 0},
    }
    finding = Diagnostic(
        "EAS101",
        Severity.ERROR,
        "containers[0].port 8080 is reserved by the EAS engine",
        pointer="/containers/0/port",
        line=12,
        column=17,
        suggestion="listen on another port, e.g. 8000",
    )
    out = render(Report([FileReport("image.json", "eas", [finding])]), "json")
    assert json.loads(out) == documented


def test_is_exactly_one_document_with_every_file(report: Report) -> None:
    out = render(report, "json")
    document = json.loads(out)  # raises if there were two documents or trailing text
    assert [f["path"] for f in document["files"]] == [f.path for f in report.files]
    assert document["summary"] == {"files": 4, "errors": 2, "warnings": 2}
    assert document["files"][2]["diagnostics"][0] == {
        "rule": "DK001",
        "severity": "error",
        "message": "invalid JSON: expecting ',' delimiter",
        "line": 3,
        "column": 5,
        "suggestion": "fix the syntax at the position shown",
    }


def test_cjk_text_stays_readable() -> None:
    finding = Diagnostic("MA101", Severity.ERROR, "model_type 取值错误", pointer="/model_type")
    out = render(Report([FileReport("模型/config.json", "modelarts", [finding])]), "json")
    assert "模型/config.json" in out
    assert "取值错误" in out


_json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=30,
)


@given(_json_values)
def test_the_document_is_written_as_json_dumps_with_indent_2_writes_it(value: Any) -> None:
    # The renderer writes the text itself (for speed); it must not differ by one byte from
    # the standard library's (control characters, quotes, CJK, surrogates, empty containers).
    assert dumps(value) == json.dumps(value, indent=2, ensure_ascii=False)


def test_a_report_is_written_as_json_dumps_with_indent_2_writes_it(report: Report) -> None:
    expected = json.dumps(report.as_dict(), indent=2, ensure_ascii=False) + "\n"
    assert render(report, "json") == expected
