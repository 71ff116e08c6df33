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

from deploykit import credentials as creds
from deploykit.errors import ConfigError

# The SDK's variable for each part of a key (EnvCredentialProvider); the region's, issue #9's.
ENV_NAMES = {
    "access_key_id": ("HUAWEICLOUD_SDK_AK",),
    "access_key_secret": ("HUAWEICLOUD_SDK_SK",),
    "security_token": ("HUAWEICLOUD_SDK_SECURITY_TOKEN",),
    "project_id": ("HUAWEICLOUD_SDK_PROJECT_ID",),
    "region": ("HUAWEICLOUD_SDK_REGION",),
}
# ProfileCredentialProvider: the file, and its keys (ak, sk, …); deploykit's `config` writes
# the EAS names, which are read as well. Sections are credential types; project-scoped
# services such as ModelArts read "basic".
ENV_CREDENTIALS_FILE = "HUAWEICLOUD_SDK_CREDENTIALS_FILE"
SDK_FILE_SECTION = "basic"
SECTION_NAMES = {
    "access_key_id": ("ak", "access_key_id"),
    "access_key_secret": ("sk", "access_key_secret"),
    "security_token": ("security_token",),
    "project_id": ("project_id",),
    "region": ("region",),
    "endpoint": ("endpoint",),
}


def env_name(part: str) -> str:
    """The SDK's environment variable for ``part`` of a key (``project_id`` → …)."""
    return ENV_NAMES[part][0]


@dataclass(frozen=True)
class HuaweiKey(creds.AccessKey):
    """An AK/SK (with the token of a temporary one) and the region's project it acts in."""

    project_id: str | None = None


def credentials_file(env: Mapping[str, str]) -> Path:
    """``$HUAWEICLOUD_SDK_CREDENTIALS_FILE``, else ``~/.huaweicloud/credentials``."""
    return creds.sdk_file(env, ENV_CREDENTIALS_FILE, Path.home() / ".huaweicloud" / "credentials")


def huawei_key(found: Mapping[str, str], source: str) -> HuaweiKey:
    key = creds.access_key(found, source)
    return HuaweiKey(key.access_key_id, key.access_key_secret, key.security_token, source,
                     found.get("project_id"))


class HuaweiProvider:
    """The :class:`~deploykit.credentials.Provider` for ModelArts."""

    section_prefix = "modelarts:"

    def from_section(self, section: Mapping[str, str], place: str) -> creds.Source[HuaweiKey]:
        return creds.read_source(place, section, SECTION_NAMES,
                                 lambda found: huawei_key(found, place))

    def from_environment(self, env: Mapping[str, str]) -> creds.Source[HuaweiKey]:
        place = f"environment ({env_name('access_key_id')}, {env_name('access_key_secret')})"
        return creds.read_source(place, env, ENV_NAMES,
                                 lambda found: huawei_key(found, "environment"))

    def cloud_file(self, env: Mapping[str, str], profile: str | None) -> tuple[Path, str]:
        return credentials_file(env), profile or SDK_FILE_SECTION

    def missing(self, looked_at: tuple[str, ...]) -> ConfigError:
        return ConfigError(
            "no Huawei Cloud access key found; looked at: " + "; ".join(looked_at),
            hint="run `deploykit config --platform modelarts -i <AK> -k <SK> --project-id <id> "
            f"-r <region>`, or set {env_name('access_key_id')}, {env_name('access_key_secret')} "
            f"and {env_name('project_id')}",
        )

    def missing_project(self, key: HuaweiKey, env: Mapping[str, str]) -> ConfigError:
        """The key has no project id: say where one is read from."""
        return ConfigError(
            f"no ModelArts project id for the access key from {key.source}; looked at: "
            f"{env_name('project_id')}, the `project_id` of the profile in "
            f"{creds.config_path(env)} and of [{SDK_FILE_SECTION}] in {credentials_file(env)}",
            hint=f"set {env_name('project_id')}, or run `deploykit config --platform modelarts "
            "--project-id <id>` (console: My Credentials → API Credentials → Projects)",
        )

    def region_places(self, env: Mapping[str, str]) -> str:
        """Where a region is looked for, for the "no region" error."""
        return (
            f"--region, {env_name('region')}, the `region` of {creds.config_path(env)} and "
            f"{credentials_file(env)}"
        )


HUAWEI = HuaweiProvider()

