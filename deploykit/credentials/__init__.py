"""Where deploy commands find a cloud's keys, region and endpoint, and how ``config`` stores them.

One provider per cloud (:mod:`.alibaba`; Huawei Cloud's comes with ModelArts) says what its
keys are, the official SDK's environment names and its own credentials file. The order is the
same for every cloud (PRODUCT.md "Credentials, in order"):

1. the profile named with ``--profile`` (in deploykit's file, else the cloud's own file);
2. the environment;
3. deploykit's config file, profile ``default``;
4. the cloud SDK's own credentials file.

The first place holding a complete key wins; region and endpoint are taken from the command
line first, then in the same order. A missing key is a ``ConfigError`` naming every place
that was looked at. Secrets are ``SecretStr`` from the moment they are read, so no log or
error can print them. No network and no httpx here: ``deploykit config`` stays light.

deploykit's own file (``$DEPLOYKIT_CONFIG`` or ``~/.config/deploykit/config.ini``, 0600) holds
one INI section per profile and platform: EAS profiles keep their bare names (``[default]``,
as before the seam), other platforms prefix theirs (``[modelarts:default]``).
"""

from __future__ import annotations

import configparser
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, Protocol, TypeVar

from pydantic import SecretStr

from deploykit.errors import ConfigError

ENV_CONFIG_FILE = "DEPLOYKIT_CONFIG"
DEFAULT_PROFILE = "default"

K = TypeVar("K")


@dataclass(frozen=True)
class AccessKey:
    """An access key pair (Alibaba Cloud's AccessKey, Huawei Cloud's AK/SK) with the token of a
    temporary one, and where it came from."""

    access_key_id: str
    access_key_secret: SecretStr
    security_token: SecretStr | None = None
    source: str = ""


# Where a profile section or the environment keeps each part of a key: the field of
# :class:`AccessKey` (or ``region``, ``endpoint``, a cloud's own) → the names it may have
# there, the first one set wins.
FieldNames = Mapping[str, tuple[str, ...]]


@dataclass(frozen=True)
class Source(Generic[K]):
    """What one place holds; any field may be missing."""

    place: str  # where it was looked for, as the "looked at" list shows it
    key: K | None
    region: str | None = None
    endpoint: str | None = None


@dataclass(frozen=True)
class Settings(Generic[K]):
    """What a deploy command runs with, after every source was consulted."""

    credentials: K | None
    region: str | None
    endpoint: str | None
    looked_at: tuple[str, ...]


class Provider(Protocol[K]):
    """One cloud's credentials: how to read them from a profile section and the environment,
    where its SDK keeps its own file, and what to say when none is found."""

    #: Prefix of this cloud's sections in deploykit's file ("" for EAS: today's files).
    section_prefix: str

    def from_section(self, section: Mapping[str, str], place: str) -> Source[K]: ...

    def from_environment(self, env: Mapping[str, str]) -> Source[K]: ...

    def cloud_file(self, env: Mapping[str, str], profile: str | None) -> tuple[Path, str]:
        """The SDK's own credentials file and the section to read (``profile`` if named)."""
        ...

    def missing(self, looked_at: tuple[str, ...]) -> ConfigError: ...


def read_source(
    place: str,
    values: Mapping[str, str],
    names: FieldNames,
    make: Callable[[Mapping[str, str]], K],
) -> Source[K]:
    """What ``values`` (a profile section, the environment) hold under ``names``, trimmed;
    ``make`` builds the key from the parts found, when both halves of the pair are there."""
    found = {field: text for field, keys in names.items() if (text := _first(values, keys))}
    # Half a key is no key: it would only produce a signature error later.
    complete = "access_key_id" in found and "access_key_secret" in found
    return Source(place, make(found) if complete else None, region=found.get("region"),
                  endpoint=found.get("endpoint"))


def access_key(found: Mapping[str, str], source: str) -> AccessKey:
    """The key :func:`read_source` found (secrets wrapped from here on)."""
    token = found.get("security_token")
    return AccessKey(found["access_key_id"], SecretStr(found["access_key_secret"]),
                     SecretStr(token) if token else None, source)


def sdk_file(env: Mapping[str, str], variable: str, default: Path) -> Path:
    """A cloud SDK's own credentials file: ``$variable`` when set, else ``default``."""
    return Path(env[variable]).expanduser() if env.get(variable) else default


def _first(values: Mapping[str, str], keys: tuple[str, ...]) -> str | None:
    return next((text.strip() for key in keys if (text := values.get(key)) and text.strip()),
                None)


def config_path(env: Mapping[str, str] | None = None) -> Path:
    """``$DEPLOYKIT_CONFIG``, else ``$XDG_CONFIG_HOME/deploykit/config.ini`` (``~/.config``)."""
    env = os.environ if env is None else env
    if env.get(ENV_CONFIG_FILE):
        return Path(env[ENV_CONFIG_FILE]).expanduser()
    base = env.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "deploykit" / "config.ini"


def section_name(provider: Provider[Any], profile: str) -> str:
    return f"{provider.section_prefix}{profile}"


def write_profile(path: Path, section: str, **values: str | SecretStr | None) -> None:
    """Create or update one section, keeping the others; the file is private (0600).

    Like ``eascmd config -i AK -k SK -e ENDPOINT`` (reference/eas.md §2.1), but a profile per
    account and region. A value not given keeps what the profile already held.
    """
    parser = _read_ini(path) or configparser.ConfigParser(interpolation=None)
    if not parser.has_section(section):
        parser.add_section(section)
    for key, value in values.items():
        text = value.get_secret_value() if isinstance(value, SecretStr) else value
        if text:
            parser.set(section, key, text)
    path.parent.mkdir(parents=True, exist_ok=True)
    # Open with 0600 from the start: the secret is never readable by others, even briefly.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    path.chmod(0o600)  # an existing file keeps its old mode through os.open
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        parser.write(handle)


def read_section(path: Path, section: str) -> Mapping[str, str] | None:
    """One section of an INI file (deploykit's or a cloud SDK's), if present."""
    parser = _read_ini(path)
    if parser is None or not parser.has_section(section):
        return None
    return dict(parser[section])


def resolve(
    provider: Provider[K],
    *,
    profile: str | None = None,
    region: str | None = None,
    endpoint: str | None = None,
    env: Mapping[str, str] | None = None,
) -> Settings[K]:
    """Consult every source in order; the first complete key wins.

    ``credentials`` is None when no source had one: the caller decides whether that is an
    error (see :func:`require`), because ``--endpoint local`` has defaults.
    """
    env = os.environ if env is None else env
    ours = config_path(env)
    places: list[tuple[str, Source[K] | None]] = []
    if profile:
        theirs, theirs_section = provider.cloud_file(env, profile)
        named = [_section(provider, ours, section_name(provider, profile)),
                 _section(provider, theirs, theirs_section)]
        if all(found is None for _, found in named):
            # Falling back to other sources would act on an account the user did not name.
            raise ConfigError(
                f"profile [{profile}] not found in {ours} or {theirs}",
                hint=f"create it with `deploykit config --profile {profile} ...`",
            )
        places.extend(named)
    from_env = provider.from_environment(env)
    places.append((from_env.place, from_env))
    if not profile:
        places.append(_section(provider, ours, section_name(provider, DEFAULT_PROFILE)))
        places.append(_section(provider, *provider.cloud_file(env, None)))
    found = [source for _, source in places if source is not None]
    return Settings(
        credentials=next((s.key for s in found if s.key is not None), None),
        region=region or next((s.region for s in found if s.region), None),
        endpoint=endpoint or next((s.endpoint for s in found if s.endpoint), None),
        looked_at=tuple(place for place, _ in places),
    )


def require(provider: Provider[K], settings: Settings[K]) -> K:
    """The key, or a ``ConfigError`` (exit 2) naming every place that was looked at."""
    if settings.credentials is not None:
        return settings.credentials
    raise provider.missing(settings.looked_at)


def _section(provider: Provider[K], path: Path, section: str) -> tuple[str, Source[K] | None]:
    """Where the section was looked for, and what it holds (None: absent)."""
    place = f"profile [{section}] in {path}"
    values = read_section(path, section)
    return place, None if values is None else provider.from_section(values, place)


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
