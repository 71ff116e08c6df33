"""PRODUCT.md's exit-code table, mapped from the error classes in one place."""

import pytest

from deploykit import errors
from deploykit.cli._exit import exit_code_for


@pytest.mark.parametrize(
    ("error", "code"),
    [
        (errors.SpecError("broken JSON"), 2),
        (errors.ConfigError("no credentials"), 2),
        (errors.ConversionError("nothing to convert"), 2),
        (errors.AuthError("SignatureDoesNotMatch"), 3),
        (errors.NotFoundError("no such service"), 3),
        (errors.ConflictError("exists"), 3),
        (errors.ThrottledError("slow down"), 3),
        (errors.TransportError("connection refused"), 3),
        (errors.DeploymentFailed("Failed", status="Failed"), 4),
        (errors.WaitTimeout("still Waiting", last_status="Waiting"), 5),
    ],
)
def test_documented_exit_codes(error: errors.DeployKitError, code: int) -> None:
    assert exit_code_for(error) == code


def test_api_error_names_code_status_and_request_id() -> None:
    err = errors.ConflictError(
        "Service name is empty",
        code="InvalidParameter",
        status=409,
        request_id="883D8418-D59F-5996-8916-F66E2D38DFEC",
    )
    assert str(err) == (
        "HTTP 409 InvalidParameter: Service name is empty "
        "[RequestId: 883D8418-D59F-5996-8916-F66E2D38DFEC]"
    )


def test_spec_error_names_file_line_and_column() -> None:
    err = errors.SpecError("expected ',' or '}'", path="image.json", line=3, column=9)
    assert str(err) == "image.json:3:9: expected ',' or '}'"
