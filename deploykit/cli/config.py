"""``deploykit config``: store an access key, region and endpoint in a profile.

Like ``eascmd config -i AK -k SK -e pai-eas.<region>.aliyuncs.com`` (reference/eas.md §2.1),
into ``$DEPLOYKIT_CONFIG`` or ``~/.config/deploykit/config.ini`` (mode 0600), one section per
``--profile``. The secret may be typed at a hidden prompt, or piped in with
``--access-key-secret-stdin`` (CI: ``printf %s "$SK" | deploykit config -i ID
--access-key-secret-stdin``), instead of given on the command line, where other users of the
machine could see it in the process list. It is never echoed.
"""

from __future__ import annotations

from typing import Annotated

import typer

from deploykit.cli import _console
from deploykit.errors import ConfigError


def register(app: typer.Typer) -> None:
    app.command(name="config")(config)


def config(
    access_key_id: Annotated[
        str | None, typer.Option("-i", "--access-key-id", help="AccessKey ID")
    ] = None,
    access_key_secret: Annotated[
        str | None,
        typer.Option("-k", "--access-key-secret", help="AccessKey secret (prompted if omitted)"),
    ] = None,
    security_token: Annotated[
        str | None, typer.Option("-t", "--security-token", help="STS security token")
    ] = None,
    region: Annotated[str | None, typer.Option("-r", "--region", help="e.g. cn-shanghai")] = None,
    endpoint: Annotated[
        str | None,
        typer.Option("-e", "--endpoint", help="pai-eas.<region>.aliyuncs.com, a URL, or local"),
    ] = None,
    profile: Annotated[str, typer.Option("--profile", help="profile name")] = "default",
    secret_stdin: Annotated[
        bool,
        typer.Option("--access-key-secret-stdin", help="read the AccessKey secret from stdin"),
    ] = False,
    platform: Annotated[
        str, typer.Option("--platform", help="whose profile: eas | modelarts", metavar="PLATFORM")
    ] = "eas",
    project_id: Annotated[
        str | None,
        typer.Option("--project-id", metavar="ID", help="ModelArts: the region's project id"),
    ] = None,
) -> None:
    """Save credentials, region and endpoint in a profile (like `eascmd config`)."""
    import sys

    from pydantic import SecretStr

    from deploykit import credentials, platforms

    provider = platforms.get(platform).credentials  # an unknown platform fails before a prompt
    if secret_stdin:
        if access_key_secret or not access_key_id:
            raise ConfigError(
                "--access-key-secret-stdin needs -i and replaces -k",
                hint='e.g. printf %s "$SK" | deploykit config -i "$AK" --access-key-secret-stdin',
            )
        access_key_secret = _secret_from_stdin()
    if access_key_id and not access_key_secret and sys.stdin.isatty():
        access_key_secret = typer.prompt("AccessKey secret", hide_input=True)
    if access_key_id and not access_key_secret:
        raise ConfigError(
            "an AccessKey ID needs its secret",
            hint="pass -k SECRET, or run `deploykit config -i ID` in a terminal to be asked",
        )
    if project_id and platform != "modelarts":
        raise ConfigError("--project-id is for --platform modelarts",
                          hint="PAI-EAS has no project: leave it out")
    if not any((access_key_id, security_token, region, endpoint, project_id)):
        raise ConfigError(
            "nothing to save",
            hint="e.g. deploykit config -i <AccessKeyId> -k <AccessKeySecret> -r cn-shanghai",
        )
    path = credentials.config_path()
    section = credentials.section_name(provider, profile)
    credentials.write_profile(
        path,
        section,
        access_key_id=access_key_id,
        access_key_secret=SecretStr(access_key_secret) if access_key_secret else None,
        security_token=SecretStr(security_token) if security_token else None,
        region=region,
        endpoint=endpoint,
        project_id=project_id,
    )
    _console.out(f"[OK] profile [{profile}] saved in {path}")


# Far more than any AccessKey secret (30 characters): a pipe that never ends is refused.
_SECRET_MAX = 4096


def _secret_from_stdin() -> str:
    """The secret piped in, without its line ending; at a terminal, a hidden prompt."""
    import sys

    if sys.stdin.isatty():  # reading a terminal line would echo the secret
        return str(typer.prompt("AccessKey secret", hide_input=True))
    text = sys.stdin.read(_SECRET_MAX + 1)
    secret = text[:-2] if text.endswith("\r\n") else text.removesuffix("\n")
    if not secret or len(secret) > _SECRET_MAX or "\n" in secret:
        raise ConfigError(
            "standard input does not hold one AccessKey secret (it is empty, several lines "
            "or too long)",
            hint='pipe only the secret, e.g. printf %s "$SK" | deploykit config -i "$AK" '
            "--access-key-secret-stdin",
        )
    return secret
