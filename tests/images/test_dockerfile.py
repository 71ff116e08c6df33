"""The Dockerfile reader: continuations, comments, exec vs shell form, ARG/ENV substitution,
multi-stage builds, and refusing what `docker build` would refuse (exit 2, one line)."""

from __future__ import annotations

from pathlib import Path

import pytest

from deploykit.cli.app import main
from deploykit.errors import SpecError
from deploykit.images.dockerfile import image_config, parse_dockerfile, read_dockerfile

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "custom-image" / "Dockerfile"


def config_of(text: str):  # type: ignore[no-untyped-def]
    return image_config(parse_dockerfile(text, Path("Dockerfile")))


def test_the_example_dockerfile_reads_as_docker_runs_it() -> None:
    config = image_config(read_dockerfile(EXAMPLE))
    assert config.argv == ["sh", "/home/run.sh"]
    assert config.user is not None and config.user.value == "ma-user"
    assert [port for port, _ in config.exposed] == [8080]
    assert config.env["PORT"] == "8080"
    assert (["run.sh"], "/home/run.sh") in [(s, d) for s, d, _ in config.copies]


def test_continuations_join_and_skip_comment_lines_inside_them() -> None:
    dockerfile = parse_dockerfile(
        "FROM python:3.10-slim\n"
        "RUN apt-get update \\\n"
        "# a comment inside the continuation is dropped, as Docker does\n"
        "    && apt-get install -y zip \\\n"
        "\n"
        "    && rm -rf /var/lib/apt/lists/*\n"
        "USER ma-user\n",
        Path("Dockerfile"),
    )
    run = dockerfile.final.instructions[0]
    assert run.keyword == "RUN" and run.line == 2
    assert "apt-get install -y zip" in run.text and "comment" not in run.text
    assert run.locate("rm -rf") == (6, 8)  # the physical line and column of a token
    assert dockerfile.final.instructions[1].line == 7


def test_exec_form_is_a_json_array_and_anything_else_is_shell_form() -> None:
    assert config_of('FROM x\nCMD ["sh", "/home/run.sh"]\n').argv == ["sh", "/home/run.sh"]
    # seeds/003's older form: shell form, which Docker runs through /bin/sh -c.
    assert config_of("FROM x\nCMD /bin/sh /home/run.sh\n").argv == [
        "/bin/sh",
        "-c",
        "/bin/sh /home/run.sh",
    ]
    # Single quotes are not JSON: Docker runs the text as a shell command.
    assert config_of("FROM x\nCMD ['sh', 'run.sh']\n").argv[:2] == ["/bin/sh", "-c"]


def test_entrypoint_and_cmd_combine_and_entrypoint_resets_an_inherited_cmd() -> None:
    config = config_of('FROM x\nENTRYPOINT ["gunicorn"]\nCMD ["-b", "0.0.0.0:8080", "app:app"]\n')
    assert config.argv == ["gunicorn", "-b", "0.0.0.0:8080", "app:app"]
    inherited = config_of('FROM x AS base\nCMD ["python"]\nFROM base\nENTRYPOINT ["gunicorn"]\n')
    assert inherited.argv == ["gunicorn"]


def test_arg_and_env_are_substituted_where_docker_substitutes_them() -> None:
    config = config_of(
        "ARG BASE=python:3.10-slim\n"
        "FROM ${BASE}\n"
        "ARG APP_PORT=8080\n"
        "ENV PORT=${APP_PORT} APP_USER=ma-user\n"
        "EXPOSE $PORT\n"
        "USER ${APP_USER}\n"
        'CMD ["sh", "-c", "exec gunicorn -b 0.0.0.0:$PORT app:app"]\n'
    )
    assert [port for port, _ in config.exposed] == [8080]
    assert config.user is not None and config.user.value == "ma-user"
    assert config.argv[2] == "exec gunicorn -b 0.0.0.0:$PORT app:app"  # the shell expands it


def test_checks_read_the_final_stage_and_what_it_inherits() -> None:
    config = config_of(
        "FROM python:3.10 AS builder\n"
        "ENV PORT=9000\n"
        "USER root\n"
        "FROM python:3.10-slim AS runtime\n"
        "ENV PORT=8080\n"
        "FROM runtime\n"
        "USER ma-user\n"
        'CMD ["sh", "/home/run.sh"]\n'
    )
    assert config.env["PORT"] == "8080"  # from `runtime`, not from `builder`
    assert config.user is not None and config.user.value == "ma-user"


def test_escape_directive_and_heredocs() -> None:
    dockerfile = parse_dockerfile(
        "# escape=`\nFROM x\nRUN echo a `\n    b\n"
        "RUN <<EOF\nchmod 4755 /usr/bin/tool\nEOF\nUSER 1000\n",
        Path("Dockerfile"),
    )
    runs = dockerfile.final.instructions
    assert runs[0].text == "echo a     b"
    assert runs[1].heredocs == ("chmod 4755 /usr/bin/tool",)
    assert runs[2].keyword == "USER" and runs[2].line == 8


@pytest.mark.parametrize(
    ("content", "cause"),
    [
        (b"\x7fELF\x02\x01\x01\x00\x00\x00", "binary data"),
        (b"FROM python\nRUN echo \xff\xfe\n", "not UTF-8"),
        (b"FROM python\nRUNN pip install flask\n", "unknown instruction 'RUNN'"),
        (b"# only a comment\n", "no FROM"),
        (b"RUN echo hi\nFROM python\n", "RUN before the first FROM"),
    ],
)
def test_what_docker_refuses_is_a_spec_error_with_the_line(
    tmp_path: Path, content: bytes, cause: str
) -> None:
    path = tmp_path / "Dockerfile"
    path.write_bytes(content)
    with pytest.raises(SpecError, match=cause):
        read_dockerfile(path)


def test_an_unreadable_dockerfile_exits_2_with_one_line_and_no_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "Dockerfile").write_bytes(b"\x00\x01garbage\x00")
    code = main(["validate", str(tmp_path / "Dockerfile")])
    err = capsys.readouterr().err
    assert code == 2
    assert "binary data" in err and "Traceback" not in err


def test_a_misspelled_instruction_gets_did_you_mean(tmp_path: Path) -> None:
    path = tmp_path / "Dockerfile"
    path.write_text("FROM python:3.10-slim\nEXPOSED 8080\n")
    with pytest.raises(SpecError) as caught:
        read_dockerfile(path)
    assert (caught.value.line, caught.value.hint) == (2, "did you mean EXPOSE?")


def test_shell_form_runs_through_the_shell_instruction_in_force() -> None:
    config = config_of('FROM x\nSHELL ["/bin/bash", "-o", "pipefail", "-c"]\nCMD sh /home/run.sh\n')
    assert config.argv == ["/bin/bash", "-o", "pipefail", "-c", "sh /home/run.sh"]
