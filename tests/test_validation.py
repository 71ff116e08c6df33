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
