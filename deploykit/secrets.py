"""What is a secret, decided once: key names, environment-variable names and HTTP headers.

PRODUCT.md "Messages": a secret (``dockerAuth``, AK/SK, tokens, git passwords, env values
with secret names) is never echoed, in any command, format, log, error or verbosity. Every
place that shows user or API data asks this module: ``validate``'s messages, ``desc``,
``plan``, ``--verbose`` request logs and the emulator's own output.

A name is secret when one of its words says so. Names are split into words at ``_ - . /``,
spaces and camelCase humps (``dockerAuth`` → docker auth, ``OSS_ACCESS_KEY_SECRET`` → oss
access key secret); a word counts when it *ends* with a secret stem, so run-together
compounds (``dockerauth``, ``apitoken``) are caught too, while ``tokenizer`` or
``max_tokens`` are not. Environment names and spec keys go through the same test: a
ModelArts ``envs`` map has environment names as its keys.

Pure and light (``re`` only): ``deploykit validate`` imports it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from typing import Any

REDACTED = "****"

# A word ending with one of these names a secret: password, HF_TOKEN, *_SECRET, dockerAuth,
# GOOGLE_APPLICATION_CREDENTIALS, MYSQL_PWD, an ssh passphrase, a session cookie.
_SECRET_STEMS = (
    "secret", "password", "passwd", "pwd", "passphrase", "token", "auth", "authorization",
    "credential", "credentials", "cookie",
)  # fmt: skip
# "key" names a secret when something qualifies it: OPENAI_API_KEY, access_key, privateKey,
# decryption_key, *_KEY (the list of env names). A bare "key" is a label's key.
_KEY = "key"
# Access-key pairs written as two letters: HUAWEICLOUD_SDK_SK, OSS_AK (reference/modelarts.md
# §4.2 calls the pair AK/SK).
_PAIR_WORDS = frozenset({"ak", "sk"})
# Names that match the words above but hold no secret, with where they come from:
# metadata.generate_token is a boolean switch (reference/eas.md §2.3, desc ServiceConfig);
# LabelKey is a label's name in DescribeService answers (§3.3); an AccessKey ID is printed
# by every console and by `deploykit emulator serve` (it says who, not how to prove it).
_NOT_SECRET = frozenset({
    ("generate", "token"), ("label", "key"), ("access", "key", "id"), ("access", "key", "ids"),
})  # fmt: skip
# HTTP headers carrying credentials. Alibaba Cloud: Authorization and the STS token
# (reference/eas.md §3.1). Huawei Cloud: the IAM token sent as X-Auth-Token and answered as
# X-Subject-Token (reference/modelarts.md §4.1), the temporary-AK/SK X-Security-Token (§4.2).
SECRET_HEADERS = frozenset({
    "authorization", "proxy-authorization", "cookie", "set-cookie",
    "x-acs-security-token", "x-auth-token", "x-subject-token", "x-security-token",
})  # fmt: skip

_SPLIT = re.compile(r"[^A-Za-z0-9]+")
_WORDS = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+")
# The user:password part of a URL (git+https://user:token@host/...).
_URL_USERINFO = re.compile(r"(?<=//)[^/@\s]+@")
# ``NAME=value``, ``NAME: value``, ``"NAME": "value"`` and ``Authorization: Bearer value`` in
# free text (a log line, an event message): the value goes when NAME is a secret name.
_ASSIGNMENT = re.compile(
    r"""(?P<name>[A-Za-z_][A-Za-z0-9_.-]*)(?P<sep>["']?\s*[=:]\s*)"""
    r"""(?P<value>"[^"]*"|'[^']*'|(?:(?:Bearer|Basic)\s+)?[^\s,;&"']+)"""
)


def words(name: str) -> tuple[str, ...]:
    """``"OSSAccessKeySecret"`` → ``("oss", "access", "key", "secret")``."""
    return tuple(
        word.lower() for part in _SPLIT.split(name) for word in _WORDS.findall(part)
    )


def is_secret_name(name: object) -> bool:
    """True when a value named ``name`` must never be shown: a spec or API key (``dockerAuth``,
    ``AccessToken``, ``password``) or an environment-variable name (``HF_TOKEN``,
    ``OSS_ACCESS_KEY_SECRET``, ``OPENAI_API_KEY``). Anything that is not a string (a list
    index) is not a name."""
    if not isinstance(name, str):
        return False
    split = words(name)
    if not split or split in _NOT_SECRET:
        return False
    if any(word.endswith(_SECRET_STEMS) for word in split) or _PAIR_WORDS.intersection(split):
        return True
    last = split[-1]
    return last.endswith(_KEY) and (len(split) > 1 or last != _KEY)


def is_secret_header(name: str) -> bool:
    """True for a header whose value is a credential (``Authorization``, ``X-Auth-Token``)."""
    return name.lower() in SECRET_HEADERS or is_secret_name(name)


def names_a_secret(entry: object) -> bool:
    """An entry such as ``{"name": "OSS_ACCESS_KEY_SECRET", "value": ...}`` (an EAS container
    ``env`` item, reference/eas.md §1.5) holds a secret its key does not reveal: its
    ``name`` does."""
    return isinstance(entry, Mapping) and is_secret_name(entry.get("name"))


def redact_userinfo(text: str) -> str:
    """``https://user:token@host/x`` → ``https://****@host/x``: a URL is shown, its credentials
    never are."""
    return _URL_USERINFO.sub(f"{REDACTED}@", text)


def redact_text(text: str) -> str:
    """Free text (a log line, an event message) with the values it assigns to secret names
    (``HF_TOKEN=hf_…``, ``"password": "…"``, ``Authorization: Bearer …``) and the
    credentials inside URLs replaced by ``****``."""
    kept: list[str] = []
    at = 0
    while (found := _ASSIGNMENT.search(text, at)) is not None:
        if is_secret_name(found["name"]):
            kept.append(text[at : found.start("value")] + REDACTED)
            at = found.end()
        else:  # what looked like its value may name a secret itself: `failed: TOKEN=…`
            kept.append(text[at : found.end("sep")])
            at = found.end("sep")
    kept.append(text[at:])
    return redact_userinfo("".join(kept))


def redact_json(value: Any, *, keep: frozenset[str] = frozenset()) -> Any:
    """A copy of a JSON value with every secret replaced by ``****``.

    Replaced: the value of every secret-named key, the ``value`` of every env entry whose
    ``name`` is secret, and the credentials inside URLs. A string that holds JSON
    (DescribeService's ``ServiceConfig``, reference/eas.md §3.3) is parsed and redacted too:
    it carries the spec's ``dockerAuth``. ``keep`` names keys to leave alone (``AccessToken``
    when the user asked to see it with ``--show-token``).
    """
    if isinstance(value, Mapping):
        entry_is_secret = names_a_secret(value)
        return {
            key: REDACTED
            if _hidden(key, item, keep) or (entry_is_secret and key == "value" and item)
            else _redact_string_or_json(item, keep)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [redact_json(item, keep=keep) for item in value]
    return _redact_string_or_json(value, keep)


def redact_headers(headers: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    return [(name, REDACTED if is_secret_header(name) else value) for name, value in headers]


def _hidden(key: object, value: Any, keep: frozenset[str]) -> bool:
    # An empty or missing secret shows as empty: "not set" is what a user needs to see.
    return is_secret_name(key) and key not in keep and value not in (None, "")


def _redact_string_or_json(value: Any, keep: frozenset[str]) -> Any:
    if not isinstance(value, str):
        return redact_json(value, keep=keep) if isinstance(value, (Mapping, list)) else value
    if value[:1] in "{[":
        try:
            parsed = json.loads(value)
        except ValueError:
            return redact_userinfo(value)
        return json.dumps(redact_json(parsed, keep=keep), ensure_ascii=False)
    return redact_userinfo(value)
