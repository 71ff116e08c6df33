"""A secret in a spec never reaches the output, in any format (PRODUCT.md "Messages").

The specs hold real-looking secrets where users put them: ``dockerAuth`` (base64 of
``username:password``, reference/eas.md §1.1), a git storage ``password`` (§1.7) and the
service ``token`` (§1.1). Each is also placed where a rule must complain about it (wrong
encoding, wrong type, a syntax error right next to it), because a diagnostic about a secret is
where an echo would slip in.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

from deploykit.cli.app import main

PASSWORD = "S3cr3t-Passw0rd!"
DOCKER_AUTH = base64.b64encode(f"admin:{PASSWORD}".encode()).decode()
GIT_TOKEN = "ghp_R4nd0mT0k3nV4lu3F0rT3st1ng0123456789"
SERVICE_TOKEN = "M2FhY2FhZDk0ZWRlYmQ2OGE3ODI1NjMwMDgzODEwZGQx"
SECRETS = (PASSWORD, DOCKER_AUTH, GIT_TOKEN, SERVICE_TOKEN, f"admin:{PASSWORD}")


def _service(docker_auth: object, git_password: object) -> dict[str, object]:
    return {
        "metadata": {"name": "private_registry_svc", "instance": 1, "cpu": 2, "memory": 4096},
        "token": SERVICE_TOKEN,
        "dockerAuth": docker_auth,
        "containers": [
            {
                "image": "harbor.internal.example.com/ml/ranker:v7",
                "command": "python /app/server.py",
                "port": 8000,
            }
        ],
        "storage": [
            {
                "mount_path": "/code",
                "git": {
                    "repo": "https://github.com/example/ranker-serving.git",
                    "branch": "main",
                    "username": "deploy-bot",
                    "password": git_password,
                },
            }
        ],
    }


SPECS = {
    "well-formed.json": json.dumps(_service(DOCKER_AUTH, GIT_TOKEN), indent=2),
    # dockerAuth not base64-encoded, as users paste it; a git password given as a list.
    "raw-auth.json": json.dumps(_service(f"admin:{PASSWORD}", [GIT_TOKEN]), indent=2),
    # dockerAuth of the wrong type: an object holding the secret.
    "object-auth.json": json.dumps(_service({"auth": DOCKER_AUTH}, GIT_TOKEN), indent=2),
    # A syntax error right after the secret: the parse error must not quote the line.
    "broken.json": f'{{\n  "dockerAuth": "{DOCKER_AUTH}" "token": "{SERVICE_TOKEN}"\n}}\n',
    "service.yaml": (
        "metadata: {name: private_registry_svc, instance: 1}\n"
        f"dockerAuth: {DOCKER_AUTH}\n"
        f"token: {SERVICE_TOKEN}\n"
        "containers:\n"
        "  - image: harbor.internal.example.com/ml/ranker:v7\n"
        "    command: python /app/server.py\n"
        "    port: 8000\n"
        "storage:\n"
        "  - mount_path: /code\n"
        f"    git: {{repo: 'https://github.com/example/x.git', password: {GIT_TOKEN}}}\n"
        f"    dockerAuht: {DOCKER_AUTH}\n"  # a misspelled key holding a secret
    ),
}


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "junit", "github"])
@pytest.mark.parametrize("name", SPECS)
def test_no_secret_in_any_format(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, fmt: str
) -> None:
    path = tmp_path / name
    path.write_text(SPECS[name], encoding="utf-8")
    code = main(["validate", str(path), "--format", fmt, "--strict"])
    out, err = capsys.readouterr()
    assert code in (0, 1, 2)
    assert out  # something was reported, so the check below looked at real output
    for secret in SECRETS:
        assert secret not in out, f"{secret!r} leaked to stdout"
        assert secret not in err, f"{secret!r} leaked to stderr"


def test_findings_about_secrets_are_still_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Not echoing must not mean not checking: the raw dockerAuth gets a finding at its place.
    path = tmp_path / "raw-auth.json"
    path.write_text(SPECS["raw-auth.json"], encoding="utf-8")
    main(["validate", str(path), "--format", "json"])
    pointers = {
        d.get("pointer") for d in json.loads(capsys.readouterr().out)["files"][0]["diagnostics"]
    }
    assert "/dockerAuth" in pointers


# A custom image whose Dockerfile and run.sh carry credentials inline, as they too often do;
# the image rules quote commands (ports, redirections), and must quote none of these.
DOCKERFILE = f"""\
# deploykit: platform=eas
FROM python:3.10-slim
ENV HF_TOKEN={GIT_TOKEN} MODEL_DIR=/models
RUN pip install --index-url https://admin:{PASSWORD}@pypi.internal.example.com/simple flask
COPY app.py run.sh /app/
EXPOSE 8080
CMD ["bash", "/app/run.sh"]
"""
RUN_SH = f"""\
#!/bin/bash
export API_TOKEN={SERVICE_TOKEN}
gunicorn -b 127.0.0.1:8080 app:app --env AUTH={DOCKER_AUTH} > /var/log/model.log
"""


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "junit", "github"])
def test_no_secret_from_an_image_in_any_format(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], fmt: str
) -> None:
    (tmp_path / "Dockerfile").write_text(DOCKERFILE)
    (tmp_path / "run.sh").write_text(RUN_SH)
    (tmp_path / "app.py").write_text("from flask import Flask\napp = Flask(__name__)\n")
    code = main(["validate", str(tmp_path), "--platform", "image", "--format", fmt])
    out, err = capsys.readouterr()
    assert code == 1  # 127.0.0.1 and port 8080 on EAS are errors: the rules did look
    for secret in SECRETS:
        assert secret not in out and secret not in err, f"{secret!r} leaked"
