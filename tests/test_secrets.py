"""The one secrets predicate: what every command hides (PRODUCT.md "Messages", issue #13)."""

from __future__ import annotations

import json

import pytest

from deploykit.secrets import (
    REDACTED,
    is_secret_header,
    is_secret_name,
    redact_json,
    redact_text,
    redact_userinfo,
)


@pytest.mark.parametrize(
    "name",
    [
        # spec and API keys (reference/eas.md §1.1, §1.7, §3.3)
        "dockerAuth", "token", "password", "AccessToken", "PrivateToken", "AccessKeySecret",
        "APIGatewayAppSecret", "decryption_key", "access_key_secret", "security_token",
        # environment names (issue #13: *_SECRET, *_TOKEN, *_PASSWORD, *_KEY, …)
        "OSS_ACCESS_KEY_SECRET", "HF_TOKEN", "OPENAI_API_KEY", "DB_PASSWORD", "MYSQL_PWD",
        "STRIPE_KEY", "GITHUB_TOKEN", "GOOGLE_APPLICATION_CREDENTIALS", "HUAWEICLOUD_SDK_SK",
        "HUAWEICLOUD_SDK_AK", "apitoken", "dockerauth",
    ],
)  # fmt: skip
def test_secret_names(name: str) -> None:
    assert is_secret_name(name)


@pytest.mark.parametrize(
    "name",
    [
        "image", "port", "name", "value", "generate_token", "LabelKey", "AccessKeyId",
        "access_key_id", "ALIBABA_CLOUD_ACCESS_KEY_ID", "TOKENIZER_PATH", "MAX_TOKENS",
        "MODEL_DIR", "key", "author", "instance",
    ],
)  # fmt: skip
def test_names_that_hold_no_secret(name: str) -> None:
    assert not is_secret_name(name)


@pytest.mark.parametrize(
    "header",
    # reference/eas.md §3.1 (Alibaba), reference/modelarts.md §4.1-4.2 (Huawei)
    ["Authorization", "x-acs-security-token", "X-Auth-Token", "X-Subject-Token",
     "X-Security-Token", "Cookie", "x-api-key"],
)
def test_secret_headers(header: str) -> None:
    assert is_secret_header(header)


def test_ordinary_headers_are_not_secret() -> None:
    for header in ("content-type", "x-acs-date", "x-acs-signature-nonce", "X-Sdk-Date",
                   "X-Project-Id", "x-acs-request-id", "X-Request-Id"):
        assert not is_secret_header(header), header


def test_redact_json_hides_env_entries_by_name_and_nested_json() -> None:
    spec = {
        "containers": [{"env": [{"name": "HF_TOKEN", "value": "hf_abc"},
                                {"name": "MODEL_DIR", "value": "/models"}]}],
        "storage": [{"git": {"repo": "https://bot:ghp_x@github.com/a/b.git",
                             "password": "git-pass"}}],
    }
    redacted = redact_json({"ServiceConfig": json.dumps(spec), "envs": {"OPENAI_API_KEY": "sk"}})
    text = json.dumps(redacted)
    for secret in ("hf_abc", "ghp_x", "git-pass", '"sk"'):
        assert secret not in text, secret
    assert "/models" in text and "github.com/a/b.git" in text
    assert redacted["envs"]["OPENAI_API_KEY"] == REDACTED


def test_redact_userinfo_keeps_the_url() -> None:
    assert redact_userinfo("git+https://u:p@host/x") == "git+https://****@host/x"
    assert redact_userinfo("registry/x@sha256:abc") == "registry/x@sha256:abc"


@pytest.mark.parametrize(
    ("line", "shown"),
    [
        # log lines and event messages (deploy/diagnosis.py shows them after a failure)
        ("export HF_TOKEN=hf_abc123 done", "export HF_TOKEN=**** done"),
        ('{"password": "p@ss word", "user": "bob"}', '{"password": ****, "user": "bob"}'),
        ("Authorization: Bearer eyJhbGciOi.x.y", "Authorization: ****"),
        ("login failed: OSS_ACCESS_KEY_SECRET=abc==", "login failed: OSS_ACCESS_KEY_SECRET=****"),
        ("cloning git+https://me:ghp_x@github.com/a/b", "cloning git+https://****@github.com/a/b"),
        ("max_tokens=512 tokenizer: gpt2 port=8000", "max_tokens=512 tokenizer: gpt2 port=8000"),
        ("FileNotFoundError: [Errno 2] No such file", "FileNotFoundError: [Errno 2] No such file"),
    ],
)
def test_free_text_loses_the_values_of_secret_names(line: str, shown: str) -> None:
    assert redact_text(line) == shown
