"""Fixtures for client tests; the pieces they are built from are in eas_testkit."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from eas_testkit import QUICK, eas_client

from deploykit.clients.alibaba.eas import EasClient
from deploykit.emulator import Emulator


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    emu = Emulator(timings=QUICK)
    yield emu
    emu.close()


@pytest.fixture
def client(emulator: Emulator) -> EasClient:
    return eas_client(emulator)
