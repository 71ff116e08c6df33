"""Alibaba Cloud credentials: an AccessKey (optionally STS), as the official SDKs find it.

Environment names are the SDKs' own (PRODUCT.md; reference/eas.md §4.6): the key pair, the
STS token and the region. The SDK credentials file is ``~/.alibabacloud/credentials.ini``
(``ALIBABA_CLOUD_CREDENTIALS_FILE`` overrides it, ``ALIBABA_CLOUD_PROFILE`` picks its section);
deploykit's own EAS profiles use the same key names.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from pydantic import SecretStr

from deploykit.credentials import DEFAULT_PROFILE, Source, config_path
from deploykit.errors import ConfigError

ENV_ACCESS_KEY_ID = "ALIBABA_CLOUD_ACCESS_KEY_ID"
ENV_ACCESS_KEY_SECRET = "ALIBABA_CLOUD_ACCESS_KEY_SECRET"  # noqa: S105 - a variable name
ENV_SECURITY_TOKEN = "ALIBABA_CLOUD_SECURITY_TOKEN"  # noqa: S105 - a variable name
ENV_REGION = "ALIBABA_CLOUD_REGION_ID"
# reference/eas.md §4.6 (aliyun/credentials-python README): the SDK credentials file.
ENV_CREDENTIALS_FILE = "ALIBABA_CLOUD_CREDENTIALS_FILE"
ENV_CREDENTIALS_PROFILE = "ALIBABA_CLOUD_PROFILE"


@dataclass(frozen=True)
class AccessKey:
    """An AccessKey pair (with an optional STS token) and where it came from."""

    access_key_id: str
    access_key_secret: SecretStr
    security_token: SecretStr | None = None
    source: str = ""


def credentials_file(env: Mapping[str, str]) -> Path:
    """reference/eas.md §4.6: ``~/.alibabacloud/credentials.ini`` unless overridden."""
    if env.get(ENV_CREDENTIALS_FILE):
        return Path(env[ENV_CREDENTIALS_FILE]).expanduser()
    return Path.home() / ".alibabacloud" / "credentials.ini"


class AlibabaProvider:
    """The :class:`~deploykit.credentials.Provider` for PAI-EAS."""

    section_prefix = ""  # EAS profiles keep the bare names they had before other platforms

    def from_section(self, section: Mapping[str, str], place: str) -> Source[AccessKey]:
        return Source(
            place,
            _access_key(
                section.get("access_key_id"),
                section.get("access_key_secret"),
                # credentials.ini names the STS token sts_token (aliyun/credentials-python).
                section.get("security_token") or section.get("sts_token"),
                source=place,
            ),
            region=section.get("region") or section.get("region_id"),
            endpoint=section.get("endpoint"),
        )

    def from_environment(self, env: Mapping[str, str]) -> Source[AccessKey]:
        return Source(
            f"environment ({ENV_ACCESS_KEY_ID}, {ENV_ACCESS_KEY_SECRET})",
            _access_key(
                env.get(ENV_ACCESS_KEY_ID),
                env.get(ENV_ACCESS_KEY_SECRET),
                env.get(ENV_SECURITY_TOKEN),
                source="environment",
            ),
            region=env.get(ENV_REGION) or None,
        )

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


def _access_key(
    key_id: str | None, secret: str | None, token: str | None, *, source: str
) -> AccessKey | None:
    # Half a key is no key: it would only produce a signature error later.
    if not key_id or not secret:
        return None
    return AccessKey(
        access_key_id=key_id.strip(),
        access_key_secret=SecretStr(secret.strip()),
        security_token=SecretStr(token.strip()) if token else None,
        source=source,
    )
