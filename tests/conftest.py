"""What every test runs under: no real credentials, and one hypothesis profile.

Credentials: every environment variable of both clouds' official SDKs is cleared
(``ALIBABA_CLOUD_*``, ``HUAWEICLOUD_SDK_*``, PRODUCT.md "Credentials"), and deploykit's
profile file, the Alibaba SDK's credentials file and the ``--endpoint local`` state all
point into the test's own tmp directory. A developer's real account can never be read,
let alone used, by a test; a test that wants credentials sets them itself.

Hypothesis: one profile for the whole suite, registered here once. Property tests run
parsers and rules over many generated inputs on shared CI machines, so there is no
per-example deadline (a slow machine is not a failing test); each test states only how
many examples it needs.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

# The official SDKs' variable families (PRODUCT.md): cleared by prefix, so a name added to
# either SDK later is covered without a list to keep in step.
CLOUD_ENV_PREFIXES = ("ALIBABA_CLOUD_", "HUAWEICLOUD_SDK_")

settings.register_profile(
    "deploykit",
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    print_blob=True,
)
settings.load_profile("deploykit")


@pytest.fixture(autouse=True)
def no_real_credentials(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith(CLOUD_ENV_PREFIXES):
            monkeypatch.delenv(name)
    private = tmp_path / "deploykit-home"
    monkeypatch.setenv("DEPLOYKIT_CONFIG", str(private / "config.ini"))
    monkeypatch.setenv("ALIBABA_CLOUD_CREDENTIALS_FILE", str(private / "credentials.ini"))
    monkeypatch.setenv("DEPLOYKIT_EMULATOR_STATE", str(private / "emulator.sqlite3"))
