"""Fixtures for emulator tests; the pieces they are built from are in emulator_testkit."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from emulator_testkit import SLOW, FakeClock, signed_client

from deploykit.emulator import Emulator


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def emulator(clock: FakeClock) -> Iterator[Emulator]:
    emu = Emulator(clock=clock, timings=SLOW)
    yield emu
    emu.close()


@pytest.fixture
def client(emulator: Emulator, clock: FakeClock) -> Iterator[httpx.Client]:
    with signed_client(emulator, clock) as c:
        yield c
