"""Alibaba Cloud credentials: an AccessKey (optionally STS), as the official SDKs find it.

Environment names are the SDKs' own (PRODUCT.md; reference/eas.md §4.6): the key pair, the
STS token and the region. The SDK credentials file is ``~/.alibabacloud/credentials.ini``
(``ALIBABA_CLOUD_CREDENTIALS_FILE`` overrides it, ``ALIBABA_CLOUD_PROFILE`` picks its section);
deploykit's own EAS profiles use the same key names.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from deploykit.credentials import (
    DEFAULT_PROFILE,
    AccessKey,
    Source,
    access_key,
    config_path,
    read_source,
    sdk_file,
)
from deploykit.errors import ConfigError

ENV_ACCESS_KEY_ID = "ALIBABA_CLOUD_ACCESS_KEY_ID"
ENV_ACCESS_KEY_SECRET = "ALIBABA_CLOUD_ACCESS_KEY_SECRET"  # noqa: S105 - a variable name
ENV_SECURITY_TOKEN = "ALIBABA_CLOUD_SECURITY_TOKEN"  # noqa: S105 - a variable name
ENV_REGION = "ALIBABA_CLOUD_REGION_ID"
# reference/eas.md §4.6 (aliyun/credentials-python README): the SDK credentials file.
ENV_CREDENTIALS_FILE = "ALIBABA_CLOUD_CREDENTIALS_FILE"
ENV_CREDENTIALS_PROFILE = "ALIBABA_CLOUD_PROFILE"
# Profile keys: deploykit's and credentials.ini's, which names the STS token sts_token
# (aliyun/credentials-python).
SECTION_NAMES = {
    "access_key_id": ("access_key_id",),
    "access_key_secret": ("access_key_secret",),
    "security_token": ("security_token", "sts_token"),
    "region": ("region", "region_id"),
    "endpoint": ("endpoint",),
}
ENV_NAMES = {
    "access_key_id": (ENV_ACCESS_KEY_ID,),
    "access_key_secret": (ENV_ACCESS_KEY_SECRET,),
    "security_token": (ENV_SECURITY_TOKEN,),
    "region": (ENV_REGION,),
}

def credentials_file(env: Mapping[str, str]) -> Path:
    """reference/eas.md §4.6: ``~/.alibabacloud/credentials.ini`` unless overridden."""
    return sdk_file(env, ENV_CREDENTIALS_FILE, Path.home() / ".alibabacloud" / "credentials.ini")


class AlibabaProvider:
    """The :class:`~deploykit.credentials.Provider` for PAI-EAS."""

    section_prefix = ""  # EAS profiles keep the bare names they had before other platforms

    def from_section(self, section: Mapping[str, str], place: str) -> Source[AccessKey]:
        return read_source(place, section, SECTION_NAMES, lambda found: access_key(found, place))

    def from_environment(self, env: Mapping[str, str]) -> Source[AccessKey]:
        return read_source(f"environment ({ENV_ACCESS_KEY_ID}, {ENV_ACCESS_KEY_SECRET})", env,
                           ENV_NAMES, lambda found: access_key(found, "environment"))

    def cloud_file(self, env: Mapping[str, str], profile: str | None) -> tuple[Path, str]:
        return credentials_file(env), profile or env.get(ENV_CREDENTIALS_PROFILE) or DEFAULT_PROFILE

    def missing(self, looked_at: tuple[str, ...]) -> ConfigError:
        return ConfigError(
            "no Alibaba Cloud access key found; looked at: " + "; ".join(looked_at),
            hint="run `deploykit config -i <AccessKeyId> -k <AccessKeySecret> -r <region>`, "
            f"or set {ENV_ACCESS_KEY_ID} and {ENV_ACCESS_KEY_SECRET}",
        )

    def region_places(self, env: Mapping[str, str]) -> str:
        """Where a region is looked for, for the "no region" error."""
        return (
            f"--region, {ENV_REGION}, the `region` of {config_path(env)} and "
            f"{credentials_file(env)}"
        )


ALIBABA = AlibabaProvider()

