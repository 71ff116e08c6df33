"""Every custom-image rule with an input that passes and one that fails.

Inputs are the example custom image (examples/custom-image) copied into tmp_path and
changed the way users get it wrong; the platform comes from the files next to it, as in
real projects: the ModelArts config.json or the EAS service JSON.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from spec_kit import CUSTOM_IMAGE, eas_service, modelarts_config

from deploykit.diagnostics import Diagnostic, Severity
from deploykit.rules.image.inspection import check_image

EXAMPLE = CUSTOM_IMAGE
MODELARTS_CONFIG = modelarts_config()
# The EAS service for the example (examples/eas/custom-image-service.json) sets PORT=8000:
# the image's PORT defaults to 8080, which the EAS engine reserves (seeds/004).
EAS_SERVICE = eas_service()


def image(tmp_path: Path, platform: str | None = "modelarts", **edits: tuple[str, str]) -> Path:
    """The example image in tmp_path, with ``file=(old, new)`` text replacements."""
    folder = tmp_path / "image"
    shutil.copytree(EXAMPLE, folder)
    (folder / "config.json").unlink()  # the example's own; the platform file is chosen below
    for name, (old, new) in edits.items():
        path = folder / name.replace("_", ".")
        text = path.read_text()
        assert old in text, f"{old!r} not in {name}"
        path.write_text(text.replace(old, new))
    if platform == "modelarts":
        (folder / "config.json").write_text(json.dumps(MODELARTS_CONFIG))
    elif platform == "eas":
        (folder / "service.json").write_text(json.dumps(EAS_SERVICE))
    return folder


def findings(folder: Path) -> list[tuple[str, Diagnostic]]:
    return [(Path(r.path).name, d) for r in check_image(str(folder)) for d in r.diagnostics]


def rules(folder: Path) -> set[str]:
    return {d.rule for _, d in findings(folder)}


def only(folder: Path, rule: str) -> tuple[str, Diagnostic]:
    found = [(f, d) for f, d in findings(folder) if d.rule == rule]
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize("platform", ["modelarts", "eas"])
def test_the_example_image_is_clean_on_both_platforms(tmp_path: Path, platform: str) -> None:
    reports = check_image(str(image(tmp_path, platform)))
    assert [Path(r.path).name for r in reports] == ["Dockerfile", "run.sh"]
    assert [d for r in reports for d in r.diagnostics] == []


def test_no_platform_checks_what_holds_for_both_and_says_what_was_skipped(tmp_path: Path) -> None:
    _, skipped = only(image(tmp_path, None), "IMG015")
    assert skipped.severity is Severity.INFO
    assert "IMG008" in skipped.message and "IMG011" in skipped.message
    assert rules(image(tmp_path / "x", None, run_sh=("0.0.0.0:", "127.0.0.1:"))) == {
        "IMG015",
        "IMG005",
    }


def test_img001_an_image_with_no_start_command(tmp_path: Path) -> None:
    folder = image(tmp_path, Dockerfile=('CMD ["sh", "/home/run.sh"]', ""))
    assert "IMG001" in rules(folder)


def test_img002_batch_images_boot_home_run_sh_through_cmd(tmp_path: Path) -> None:
    batch = ("FROM python:3.10-slim", "# deploykit: usage=batch\nFROM python:3.10-slim")
    assert "IMG002" not in rules(image(tmp_path / "ok", Dockerfile=batch))
    legacy = image(tmp_path / "legacy", Dockerfile=batch)
    dockerfile = legacy / "Dockerfile"
    dockerfile.write_text(
        dockerfile.read_text().replace('CMD ["sh", "/home/run.sh"]', "CMD /bin/sh /home/run.sh")
    )  # seeds/003's form
    assert "IMG002" not in rules(legacy)
    wrong = image(tmp_path / "bad", Dockerfile=batch)
    dockerfile = wrong / "Dockerfile"
    dockerfile.write_text(
        dockerfile.read_text().replace(
            'CMD ["sh", "/home/run.sh"]', 'ENTRYPOINT ["python", "/home/app/app.py"]'
        )
    )
    name, found = only(wrong, "IMG002")
    assert (name, found.line, found.severity) == ("Dockerfile", 23, Severity.ERROR)


def test_img003_modelarts_sends_requests_to_8080_or_the_configured_port(tmp_path: Path) -> None:
    folder = image(tmp_path, run_sh=("0.0.0.0:${PORT:-8080}", "0.0.0.0:8000"))
    name, found = only(folder, "IMG003")
    assert (name, found.line, found.column) == ("run.sh", 22, 29)
    assert "port 8000" in found.message and "8080" in found.message
    exposed = only(image(tmp_path / "e", Dockerfile=("EXPOSE 8080", "EXPOSE 8000")), "IMG003")[1]
    assert exposed.severity is Severity.WARNING and exposed.line == 18
    configured = image(tmp_path / "c")
    (configured / "config.json").write_text(json.dumps({**MODELARTS_CONFIG, "port": 8443}))
    on_8443 = [d for _, d in findings(configured) if d.rule == "IMG003"]
    assert [d.severity for d in on_8443] == [Severity.WARNING, Severity.ERROR]  # EXPOSE, server
    assert all("8443" in d.message for d in on_8443)


def test_img003_a_python_server_that_picks_its_own_port(tmp_path: Path) -> None:
    folder = image(
        tmp_path,
        run_sh=(
            'gunicorn --chdir /home/app -w "${GUNICORN_WORKERS:-2}"',
            "python /home/app/app.py & #",
        ),
    )
    app = folder / "app.py"
    app.write_text(
        app.read_text().replace('os.environ.get("PORT", "8080")', '"5000"')
        + "\n# app.run(host='0.0.0.0', port=8000)\nserver.run(host='0.0.0.0', port=8000)\n"
    )
    name, found = only(folder, "IMG003")
    assert name == "app.py" and "8000" in found.message


def test_img004_eas_reserves_8080_and_9090(tmp_path: Path) -> None:
    assert "IMG004" not in rules(image(tmp_path / "ok", "eas"))
    folder = image(tmp_path / "bad", "eas")
    spec = json.loads((folder / "service.json").read_text())
    spec["containers"][0]["env"] = []  # PORT falls back to the image's 8080
    (folder / "service.json").write_text(json.dumps(spec))
    name, found = only(folder, "IMG004")
    assert name == "run.sh" and found.severity is Severity.ERROR
    assert "containers[].env" in (found.suggestion or "")
    direct = image(
        tmp_path / "direct",
        "eas",
        Dockerfile=(
            'CMD ["sh", "/home/run.sh"]',
            'CMD ["gunicorn", "-b", "0.0.0.0:9090", "app:application"]',
        ),
    )
    assert only(direct, "IMG004")[1].column == 25


def test_img005_a_server_bound_to_loopback_is_unreachable(tmp_path: Path) -> None:
    folder = image(tmp_path, run_sh=("0.0.0.0:${PORT:-8080}", "127.0.0.1:${PORT:-8080}"))
    assert only(folder, "IMG005")[1].severity is Severity.ERROR
    # gunicorn with no -b and no PORT binds 127.0.0.1:8000 (gunicorn settings, bind).
    no_bind = image(
        tmp_path / "d",
        Dockerfile=("ENV PORT=8080\n", ""),
        run_sh=('-b "0.0.0.0:${PORT:-8080}"', ""),
    )
    assert "IMG005" in rules(no_bind)


@pytest.mark.parametrize(
    ("old", "new", "flagged"),
    [
        ("--error-logfile - \\", "--error-logfile - >> /var/log/model.log 2>&1 \\", True),
        ("--error-logfile - \\", "--error-logfile /home/ma-user/error.log \\", True),
        ("--error-logfile - \\", "--error-logfile - 2>&1 \\", False),
        ("gunicorn --chdir", "nohup gunicorn --chdir", True),
        # `exec > file` sends everything the script and its children print to the file
        ('gunicorn_pid=""\n', 'exec > /tmp/output 2>&1\ngunicorn_pid=""\n', True),
        ('wait "$gunicorn_pid"\n', 'wait "$gunicorn_pid"\necho done > /tmp/finished\n', False),
    ],
)
def test_img006_logs_go_to_standard_output(
    tmp_path: Path, old: str, new: str, flagged: bool
) -> None:
    assert ("IMG006" in rules(image(tmp_path, run_sh=(old, new)))) is flagged


@pytest.mark.parametrize(
    ("old", "new"),
    [("-k gevent ", ""), ("--keep-alive 200", "--keep-alive 5"), ("-k gevent", "-k sync")],
)
def test_img007_gunicorn_needs_gevent_and_keep_alive_200(
    tmp_path: Path, old: str, new: str
) -> None:
    _, found = only(image(tmp_path, run_sh=(old, new)), "IMG007")
    assert found.line == 21 and found.severity is Severity.WARNING


def test_img007_uvicorn_equivalent(tmp_path: Path) -> None:
    uvicorn = (
        'gunicorn --chdir /home/app -w "${GUNICORN_WORKERS:-2}" -k gevent --keep-alive 200 '
        "\\\n  --graceful-timeout 30",
        "uvicorn --app-dir /home/app --timeout-graceful-shutdown "
        "30 --host 0.0.0.0 --port 8080 \\\n ",
    )
    assert "IMG007" in rules(image(tmp_path, run_sh=uvicorn))


@pytest.mark.parametrize(
    ("old", "new", "cause"),
    [
        ("trap handle_sigterm TERM", "", "does not trap SIGTERM"),
        ("app:application &", "app:application", "foreground"),
        ("gunicorn --chdir", "exec gunicorn --chdir", "`exec` replaces the shell"),
        ('wait "$gunicorn_pid"\n', "\n", "no `wait`"),
    ],
)
def test_img008_sigterm_must_be_trapped_and_the_trap_able_to_run(
    tmp_path: Path, old: str, new: str, cause: str
) -> None:
    if old.startswith("wait"):
        folder = image(tmp_path)
        run = folder / "run.sh"
        text = run.read_text()
        run.write_text(text[: text.rindex(old)] + new)  # the last, top-level wait
    else:
        folder = image(tmp_path, run_sh=(old, new))
    assert cause in only(folder, "IMG008")[1].message


def test_img008_a_server_started_directly_by_cmd_gets_sigterm_itself(tmp_path: Path) -> None:
    folder = image(
        tmp_path,
        Dockerfile=(
            'CMD ["sh", "/home/run.sh"]',
            'CMD ["gunicorn", "-k", '
            '"gevent", "--keep-alive", "200", "-b", "0.0.0.0:8080", "app:application"]',
        ),
    )
    name, found = only(folder, "IMG008")
    assert (name, found.line) == ("Dockerfile", 22)


def test_img009_the_server_is_stopped_only_after_60_seconds(tmp_path: Path) -> None:
    folder = image(tmp_path, run_sh=("${SIGTERM_WAIT_SECONDS:-60}", "30"))
    name, found = only(folder, "IMG009")
    assert (name, found.line, found.column) == ("run.sh", 12, 5)  # the kill line
    assert "IMG009" not in rules(
        image(tmp_path / "m", run_sh=("${SIGTERM_WAIT_SECONDS:-60}", "1m"))
    )


def test_img010_the_whole_exit_is_within_90_seconds(tmp_path: Path) -> None:
    folder = image(tmp_path, run_sh=("--graceful-timeout 30", "--graceful-timeout 60"))
    assert "120 s" in only(folder, "IMG010")[1].message
    extra = image(
        tmp_path / "x", run_sh=('wait "$gunicorn_pid"      #', 'wait "$gunicorn_pid"; sleep 5 #')
    )
    assert "95 s" in only(extra, "IMG010")[1].message


@pytest.mark.parametrize(
    ("old", "new", "cause"),
    [
        ("USER ma-user", "USER root", "as 'root'"),
        ("USER ma-user", "", "as root (no USER)"),
        ("-u 1000 -g 100", "-u 1001 -g 100", "uid 1001"),
    ],
)
def test_img011_modelarts_runs_custom_engines_as_ma_user(
    tmp_path: Path, old: str, new: str, cause: str
) -> None:
    folder = image(tmp_path, Dockerfile=(old, new))
    (found,) = [d for _, d in findings(folder) if d.rule == "IMG011"]
    assert cause in found.message
    assert found.line == {"USER root": 19, "": 4}.get(new, 9)  # USER, else FROM, else useradd
    assert "IMG011" not in rules(
        image(tmp_path / "uid", Dockerfile=("USER ma-user", "USER 1000:100"))
    )


def test_img012_training_images_add_no_setuid_files(tmp_path: Path) -> None:
    training = ("FROM python:3.10-slim", "# deploykit: usage=training\nFROM python:3.10-slim")
    clean = image(tmp_path / "ok", Dockerfile=training)
    assert "IMG012" not in rules(clean)
    setuid = ("RUN pip install", "RUN chmod u+s /usr/local/bin/python3.10 && pip install")
    dockerfile = clean / "Dockerfile"
    dockerfile.write_text(dockerfile.read_text().replace(*setuid))
    assert only(clean, "IMG012")[1].line == 13
    # an inference image is not held to the training-image rule
    assert "IMG012" not in rules(image(tmp_path / "inf", Dockerfile=setuid))


def test_img016_a_start_script_missing_from_the_build_context(tmp_path: Path) -> None:
    folder = image(
        tmp_path, Dockerfile=('CMD ["sh", "/home/run.sh"]', 'CMD ["sh", "/opt/start.sh"]')
    )
    _, found = only(folder, "IMG016")
    assert "/opt/start.sh" in found.message and found.severity is Severity.INFO


def test_img017_an_unknown_platform_in_the_directive(tmp_path: Path) -> None:
    folder = image(
        tmp_path, None, Dockerfile=("FROM python", "# deploykit: platform=aws\nFROM python")
    )
    _, found = only(folder, "IMG017")
    assert found.line == 4 and "aws" in found.message


def test_a_directive_names_the_platform_without_a_spec_next_to_the_image(tmp_path: Path) -> None:
    folder = image(
        tmp_path, None, Dockerfile=("FROM python", "# deploykit: platform=eas\nFROM python")
    )
    assert rules(folder) == {"IMG004"}  # PORT is the image's 8080: nothing sets 8000 on EAS


# gunicorn reads settings from -c FILE or ./gunicorn.conf.py; the command line wins.
GUNICORN_CONF = """\
import os

bind = "0.0.0.0:8080"
worker_class = "gevent"
keepalive = 200
graceful_timeout = 30
accesslog = "-"
"""
CONF_RUN = (
    'gunicorn --chdir /home/app -w "${GUNICORN_WORKERS:-2}" -k gevent --keep-alive 200 \\\n'
    '  --graceful-timeout 30 -b "0.0.0.0:${PORT:-8080}" --access-logfile - --error-logfile - \\\n',
    "gunicorn -c /home/app/gunicorn.conf.py \\\n",
)


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("", "", set()),
        ('worker_class = "gevent"', 'worker_class = "sync"', {"IMG007"}),
        ('bind = "0.0.0.0:8080"', 'bind = ["127.0.0.1:8080"]', {"IMG005"}),
        ('accesslog = "-"', 'accesslog = "/var/log/access.log"', {"IMG006"}),
        # not a constant: unknown, so nothing is guessed (no loopback, no wrong port)
        ('bind = "0.0.0.0:8080"', 'bind = os.environ["BIND"]', set()),
    ],
)
def test_gunicorn_settings_from_its_config_file(
    tmp_path: Path, old: str, new: str, expected: set[str]
) -> None:
    folder = image(tmp_path, run_sh=CONF_RUN)
    (folder / "gunicorn.conf.py").write_text(GUNICORN_CONF.replace(old, new))
    dockerfile = folder / "Dockerfile"
    dockerfile.write_text(
        dockerfile.read_text().replace(
            "COPY app.py /home/app/app.py",
            "COPY app.py gunicorn.conf.py /home/app/",
        )
    )
    assert rules(folder) == expected


# seeds/004: the Flask server of the EAS custom-image page, started with `python app.py`.
FLASK_APP = """\
from flask import Flask

app = Flask(__name__)

@app.route('/hello/model')
def hello_world():
    return 'Hello World'

if __name__ == '__main__':
    app.run(host='0.0.0.0', port=8000)
"""


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [("", "", set()), ("host='0.0.0.0', ", "", {"IMG005"}), ("8000", "8080", {"IMG004"})],
)
def test_the_seed_flask_server_on_eas(
    tmp_path: Path, old: str, new: str, expected: set[str]
) -> None:
    folder = image(
        tmp_path,
        "eas",
        Dockerfile=('CMD ["sh", "/home/run.sh"]', 'CMD ["python", "/home/app/app.py"]'),
    )
    (folder / "app.py").write_text(FLASK_APP.replace(old, new))
    found = findings(folder)
    assert {d.rule for _, d in found} == expected
    assert all(name == "app.py" and d.line == 10 for name, d in found)


@pytest.mark.parametrize("platform", ["auto", "image", None])
def test_validate_platform_values_that_name_no_platform_change_nothing(
    tmp_path: Path, platform: str | None
) -> None:
    reports = check_image(str(image(tmp_path, None)), platform=platform)
    assert [d.rule for r in reports for d in r.diagnostics] == ["IMG015"]


def test_validate_platform_overrides_the_files_next_to_the_image(tmp_path: Path) -> None:
    # a config.json says ModelArts, `--platform eas` says EAS: PORT stays the image's 8080
    reports = check_image(str(image(tmp_path, "modelarts")), platform="eas")
    assert [d.rule for r in reports for d in r.diagnostics] == ["IMG004"]


def test_an_init_wrapper_hands_over_to_run_sh(tmp_path: Path) -> None:
    # tini as PID 1 forwards SIGTERM to `sh /home/run.sh`, whose trap still decides the exit
    tini = ('CMD ["sh", "/home/run.sh"]', 'ENTRYPOINT ["tini", "--"]\nCMD ["sh", "/home/run.sh"]')
    assert rules(image(tmp_path / "ok", Dockerfile=tini)) == set()
    no_trap = image(tmp_path / "bad", Dockerfile=tini, run_sh=("trap handle_sigterm TERM", ""))
    assert rules(no_trap) == {"IMG008"}
