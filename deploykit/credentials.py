"""Where deploy commands find their access key, region and endpoint, and how ``config`` stores them.

Order (PRODUCT.md "Credentials, in order"): the profile named on the command line, the
environment (the official SDKs' own names), the deploykit config file's default profile, then
the Alibaba Cloud credentials file (reference/eas.md §4.6). The first place holding a complete
access key wins; a missing key is a ``ConfigError`` naming every place looked at.

Secrets are ``SecretStr`` from the moment they are read, so no log or error can print them.
No network and no httpx here: ``deploykit config`` stays light.
"""

from __future__ import annotations

import configparser
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from pydantic import SecretStr

from deploykit.errors import ConfigError

# PRODUCT.md: the official SDKs' environment names.
ENV_ACCESS_KEY_ID = "ALIBABA_CLOUD_ACCESS_KEY_ID"
ENV_ACCESS_KEY_SECRET = "ALIBABA_CLOUD_ACCESS_KEY_SECRET"  # noqa: S105 - a variable name
ENV_SECURITY_TOKEN = "ALIBABA_CLOUD_SECURITY_TOKEN"  # noqa: S105 - a variable name
ENV_REGION = "ALIBABA_CLOUD_REGION_ID"
# reference/eas.md §4.6 (aliyun/credentials-python README): the SDK credentials file.
ENV_CREDENTIALS_FILE = "ALIBABA_CLOUD_CREDENTIALS_FILE"
ENV_CREDENTIALS_PROFILE = "ALIBABA_CLOUD_PROFILE"
# deploykit's own profile file (written by `deploykit config`).
ENV_CONFIG_FILE = "DEPLOYKIT_CONFIG"
DEFAULT_PROFILE = "default"


@dataclass(frozen=True)
class Credentials:
    """An access key (with an optional STS token) and where it came from."""

    access_key_id: str
    access_key_secret: SecretStr
    security_token: SecretStr | None = None
    source: str = ""


@dataclass(frozen=True)
class Profile:
    """One section of a profile file; any field may be missing."""

    name: str
    credentials: Credentials | None
    region: str | None
    endpoint: str | None


@dataclass(frozen=True)
class Settings:
    """What a deploy command runs with, after every source was consulted."""

    credentials: Credentials | None
    region: str | None
    endpoint: str | None
    looked_at: tuple[str, ...]


def config_path(env: Mapping[str, str] | None = None) -> Path:
    """``$DEPLOYKIT_CONFIG``, else ``$XDG_CONFIG_HOME/deploykit/config.ini`` (``~/.config``)."""
    env = os.environ if env is None else env
    if env.get(ENV_CONFIG_FILE):
        return Path(env[ENV_CONFIG_FILE]).expanduser()
    base = env.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "deploykit" / "config.ini"


def alibaba_credentials_path(env: Mapping[str, str] | None = None) -> Path:
    """reference/eas.md §4.6: ``~/.alibabacloud/credentials.ini`` unless overridden."""
    env = os.environ if env is None else env
    if env.get(ENV_CREDENTIALS_FILE):
        return Path(env[ENV_CREDENTIALS_FILE]).expanduser()
    return Path.home() / ".alibabacloud" / "credentials.ini"


def write_profile(
    path: Path,
    name: str,
    *,
    access_key_id: str | None,
    access_key_secret: SecretStr | None,
    security_token: SecretStr | None = None,
    region: str | None = None,
    endpoint: str | None = None,
) -> None:
    """Create or update one profile, keeping the others; the file is private (0600).

    Like ``eascmd config -i AK -k SK -e ENDPOINT`` (reference/eas.md §2.1), but a profile per
    account and region. A value not given keeps what the profile already held.
    """
    parser = _read_ini(path) or configparser.ConfigParser(interpolation=None)
    if not parser.has_section(name):
        parser.add_section(name)
    given = {
        "access_key_id": access_key_id,
        "access_key_secret": access_key_secret.get_secret_value() if access_key_secret else None,
        "security_token": security_token.get_secret_value() if security_token else None,
        "region": region,
        "endpoint": endpoint,
    }
    for key, value in given.items():
        if value:
            parser.set(name, key, value)
    path.parent.mkdir(parents=True, exist_ok=True)
    # Open with 0600 from the start: the secret is never readable by others, even briefly.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    path.chmod(0o600)  # an existing file keeps its old mode through os.open
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        parser.write(handle)


def read_profile(path: Path, name: str) -> Profile | None:
    """The named section of a deploykit or Alibaba Cloud credentials file, if present."""
    parser = _read_ini(path)
    if parser is None or not parser.has_section(name):
        return None
    section = parser[name]
    return Profile(
        name=name,
        credentials=_credentials(
            section.get("access_key_id"),
            section.get("access_key_secret"),
            section.get("security_token") or section.get("sts_token"),
            source=f"{path} [{name}]",
        ),
        region=section.get("region") or section.get("region_id"),
        endpoint=section.get("endpoint"),
    )


def resolve(
    *,
    profile: str | None = None,
    region: str | None = None,
    endpoint: str | None = None,
    env: Mapping[str, str] | None = None,
) -> Settings:
    """Consult every source in order; the first complete access key wins.

    Region and endpoint are taken from the command line first, then the same order as the key.
    ``credentials`` is None when no source had one: the caller decides whether that is an
    error (see :func:`require_credentials`), because ``--endpoint local`` has defaults.
    """
    env = os.environ if env is None else env
    ours, theirs = config_path(env), alibaba_credentials_path(env)
    candidates: list[tuple[str, Profile | None]] = []
    if profile:
        named = [(f"profile [{profile}] in {path}", read_profile(path, profile))
                 for path in (ours, theirs)]
        if all(found is None for _, found in named):
            # Falling back to other sources would act on an account the user did not name.
            raise ConfigError(
                f"profile [{profile}] not found in {ours} or {theirs}",
                hint=f"create it with `deploykit config --profile {profile} -i ID -k SECRET`",
            )
        candidates.extend(named)
    candidates.append((_env_place(), _env_profile(env)))
    if not profile:
        theirs_name = env.get(ENV_CREDENTIALS_PROFILE) or DEFAULT_PROFILE
        for path, name in ((ours, DEFAULT_PROFILE), (theirs, theirs_name)):
            candidates.append((f"profile [{name}] in {path}", read_profile(path, name)))
    found = [p for _, p in candidates if p is not None]
    credentials = next((p.credentials for p in found if p.credentials), None)
    return Settings(
        credentials=credentials,
        region=region or next((p.region for p in found if p.region), None),
        endpoint=endpoint or next((p.endpoint for p in found if p.endpoint), None),
        looked_at=tuple(place for place, _ in candidates),
    )


def require_credentials(settings: Settings) -> Credentials:
    """The access key, or a ``ConfigError`` (exit 2) naming every place that was looked at."""
    if settings.credentials is not None:
        return settings.credentials
    raise ConfigError(
        "no Alibaba Cloud access key found; looked at: " + "; ".join(settings.looked_at),
        hint="run `deploykit config -i <AccessKeyId> -k <AccessKeySecret> -r <region>`, or set "
        f"{ENV_ACCESS_KEY_ID} and {ENV_ACCESS_KEY_SECRET}",
    )


def _env_place() -> str:
    return f"environment ({ENV_ACCESS_KEY_ID}, {ENV_ACCESS_KEY_SECRET})"


def _env_profile(env: Mapping[str, str]) -> Profile:
    return Profile(
        name="environment",
        credentials=_credentials(
            env.get(ENV_ACCESS_KEY_ID),
            env.get(ENV_ACCESS_KEY_SECRET),
            env.get(ENV_SECURITY_TOKEN),
            source="environment",
        ),
        region=env.get(ENV_REGION) or None,
        endpoint=None,
    )


def _credentials(
    key_id: str | None, secret: str | None, token: str | None, *, source: str
) -> Credentials | None:
    # Half a key is no key: it would only produce a signature error later.
    if not key_id or not secret:
        return None
    return Credentials(
        access_key_id=key_id.strip(),
        access_key_secret=SecretStr(secret.strip()),
        security_token=SecretStr(token.strip()) if token else None,
        source=source,
    )


def _read_ini(path: Path) -> configparser.ConfigParser | None:
    if not path.is_file():
        return None
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read(path, encoding="utf-8")
    except (configparser.Error, UnicodeDecodeError, OSError) as err:
        # The cause without the file's content: the content holds secrets.
        raise ConfigError(
            f"{path}: not a readable profile file ({type(err).__name__})",
            hint=f"fix or remove {path}, then run `deploykit config` again",
        ) from None
    return parser
