"""validate_paths: every file is reported, whatever else on the command line is broken."""

from pathlib import Path

from deploykit.validation import ValidateOptions, validate_paths

EXAMPLES = Path(__file__).parent.parent / "examples" / "eas"


def test_a_missing_path_is_reported_with_the_others_not_instead_of_them() -> None:
    good = str(EXAMPLES / "seed-image.json")
    report = validate_paths(["no/such/spec.json", good, good], ValidateOptions())
    assert [f.path for f in report.files] == ["no/such/spec.json", good]
    assert report.unreadable == 1
    assert report.files[0].diagnostics[0].rule == "DK001"
    assert report.files[1].readable and report.files[1].errors == 0


def test_placeholder_findings_are_warnings_that_say_so(tmp_path: Path) -> None:
    spec = tmp_path / "template.json"
    spec.write_text(
        '{"metadata": {"name": "<your-service-name>", "instance": 1},\n'
        ' "containers": [{"image": "registry-vpc.cn-shanghai.aliyuncs.com/ns/app:1",'
        ' "command": "python app.py", "port": 8000}]}\n'
    )
    report = validate_paths([str(spec)], ValidateOptions())
    on_name = [d for _, d in report.diagnostics() if d.pointer == "/metadata/name"]
    assert on_name, "the unfilled name should be reported"
    assert all(d.severity.value != "error" for d in on_name)
    assert all("unfilled template placeholder" in d.message for d in on_name)
