"""Fixtures for client tests; the pieces are in eas_testkit and timing_testkit."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from eas_testkit import eas_client
from timing_testkit import QUICK

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
