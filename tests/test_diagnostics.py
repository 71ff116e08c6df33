"""The Report is what every renderer and exit code is computed from (its JSON document is
checked against PRODUCT.md in tests/render/test_render_json_document.py)."""

from deploykit.diagnostics import Diagnostic, FileReport, Report, Severity, filter_rules

PORT = Diagnostic(
    "EAS101",
    Severity.ERROR,
    "containers[0].port 8080 is reserved by the EAS engine",
    pointer="/containers/0/port",
    line=12,
    column=17,
    suggestion="listen on another port, e.g. 8000",
)
NAME = Diagnostic("EAS201", Severity.WARNING, "name uses a hyphen", pointer="/metadata/name")


def test_fail_on_thresholds() -> None:
    warnings_only = Report([FileReport("a.json", "eas", [NAME])])
    assert warnings_only.fails(Severity.WARNING)
    assert not warnings_only.fails(Severity.ERROR)
    assert not warnings_only.fails(None)
    assert Report([FileReport("b.json", "eas", [PORT, NAME])]).fails(Severity.ERROR)


def test_select_and_ignore_take_prefixes() -> None:
    both = [PORT, NAME]
    assert filter_rules(both, select=["EAS1"]) == [PORT]
    assert filter_rules(both, ignore=["EAS2"]) == [PORT]
    assert filter_rules(both, select=["EAS"], ignore=["EAS101"]) == [NAME]


def test_unreadable_files_are_counted() -> None:
    report = Report([FileReport("x.json", "unknown", [], readable=False), FileReport("y", "eas")])
    assert report.unreadable == 1
