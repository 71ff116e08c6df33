"""Huawei Cloud credentials: an AK/SK (optionally temporary) and the region's project id.

Environment names are the official SDK's (PRODUCT.md; ``huaweicloudsdkcore`` 3.1.x
``auth/provider.py``): ``HUAWEICLOUD_SDK_AK``, ``HUAWEICLOUD_SDK_SK``,
``HUAWEICLOUD_SDK_SECURITY_TOKEN`` and ``HUAWEICLOUD_SDK_PROJECT_ID``; the region comes from
``HUAWEICLOUD_SDK_REGION`` (issue #9; the SDK itself reads that name only as the prefix of
per-service endpoint variables, so a value there is a region id for us). The SDK's own
credentials file is ``~/.huaweicloud/credentials`` (``HUAWEICLOUD_SDK_CREDENTIALS_FILE``
overrides it), an INI file whose ``[basic]`` section holds ``ak``, ``sk``, ``project_id`` and
``security_token`` (``ProfileCredentialProvider``); deploykit's ``[modelarts:<profile>]``
sections use the same key names.

ModelArts paths carry the project id (reference/modelarts.md §3.1: ``/v1/{project_id}/...``),
so a key without one cannot be used: that is a ``ConfigError`` of its own, raised by the
platform with every place it looked at.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from pydantic import SecretStr

from deploykit.credentials import Source, config_path
from deploykit.errors import ConfigError

ENV_ACCESS_KEY = "HUAWEICLOUD_SDK_AK"
ENV_SECRET_KEY = "HUAWEICLOUD_SDK_SK"  # noqa: S105 - a variable name
ENV_SECURITY_TOKEN = "HUAWEICLOUD_SDK_SECURITY_TOKEN"  # noqa: S105 - a variable name
ENV_PROJECT_ID = "HUAWEICLOUD_SDK_PROJECT_ID"
ENV_REGION = "HUAWEICLOUD_SDK_REGION"
ENV_CREDENTIALS_FILE = "HUAWEICLOUD_SDK_CREDENTIALS_FILE"
# huaweicloudsdkcore ProfileCredentialProvider: sections are credential types; project-scoped
# services such as ModelArts read "basic".
SDK_FILE_SECTION = "basic"


@dataclass(frozen=True)
class HuaweiKey:
    """An AK/SK pair (with the token of a temporary one), the project, and their source."""

    access_key_id: str
    secret_access_key: SecretStr
    security_token: SecretStr | None = None
    project_id: str | None = None
    source: str = ""


def credentials_file(env: Mapping[str, str]) -> Path:
    """``$HUAWEICLOUD_SDK_CREDENTIALS_FILE``, else ``~/.huaweicloud/credentials``."""
    if env.get(ENV_CREDENTIALS_FILE):
        return Path(env[ENV_CREDENTIALS_FILE]).expanduser()
    return Path.home() / ".huaweicloud" / "credentials"


class HuaweiProvider:
    """The :class:`~deploykit.credentials.Provider` for ModelArts."""

    section_prefix = "modelarts:"

    def from_section(self, section: Mapping[str, str], place: str) -> Source[HuaweiKey]:
        return Source(
            place,
            _key(
                section.get("ak") or section.get("access_key_id"),
                section.get("sk") or section.get("access_key_secret"),
                section.get("security_token"),
                section.get("project_id"),
                source=place,
            ),
            region=section.get("region"),
            endpoint=section.get("endpoint"),
        )

    def from_environment(self, env: Mapping[str, str]) -> Source[HuaweiKey]:
        return Source(
            f"environment ({ENV_ACCESS_KEY}, {ENV_SECRET_KEY})",
            _key(
                env.get(ENV_ACCESS_KEY),
                env.get(ENV_SECRET_KEY),
                env.get(ENV_SECURITY_TOKEN),
                env.get(ENV_PROJECT_ID),
                source="environment",
            ),
            region=env.get(ENV_REGION) or None,
        )

    def cloud_file(self, env: Mapping[str, str], profile: str | None) -> tuple[Path, str]:
        return credentials_file(env), profile or SDK_FILE_SECTION

    def missing(self, looked_at: tuple[str, ...]) -> ConfigError:
        return ConfigError(
            "no Huawei Cloud access key found; looked at: " + "; ".join(looked_at),
            hint="run `deploykit config --platform modelarts -i <AK> -k <SK> --project-id <id> "
            f"-r <region>`, or set {ENV_ACCESS_KEY}, {ENV_SECRET_KEY} and {ENV_PROJECT_ID}",
        )

    def missing_project(self, key: HuaweiKey, env: Mapping[str, str]) -> ConfigError:
        """The key has no project id: say where one is read from."""
        return ConfigError(
            f"no ModelArts project id for the access key from {key.source}; looked at: "
            f"{ENV_PROJECT_ID}, the `project_id` of the profile in {config_path(env)} and of "
            f"[{SDK_FILE_SECTION}] in {credentials_file(env)}",
            hint=f"set {ENV_PROJECT_ID}, or run `deploykit config --platform modelarts "
            "--project-id <id>` (console: My Credentials → API Credentials → Projects)",
        )

    def region_places(self, env: Mapping[str, str]) -> str:
        """Where a region is looked for, for the "no region" error."""
        return (
            f"--region, {ENV_REGION}, the `region` of {config_path(env)} and "
            f"{credentials_file(env)}"
        )


HUAWEI = HuaweiProvider()


def _key(
    key_id: str | None,
    secret: str | None,
    token: str | None,
    project_id: str | None,
    *,
    source: str,
) -> HuaweiKey | None:
    # Half a key is no key: it would only produce a signature error later.
    if not key_id or not secret:
        return None
    return HuaweiKey(
        access_key_id=key_id.strip(),
        secret_access_key=SecretStr(secret.strip()),
        security_token=SecretStr(token.strip()) if token and token.strip() else None,
        project_id=project_id.strip() if project_id and project_id.strip() else None,
        source=source,
    )
