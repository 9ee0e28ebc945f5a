"""Fixtures for the emulator's own tests: a running emulator and a real PTB Bot talking to it."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import telegram

from bot.emulator import Emulator

SHAPES = Path(__file__).parent / "shapes"


@pytest.fixture
async def emu() -> AsyncIterator[Emulator]:
    async with Emulator() as emu:
        yield emu


@pytest.fixture
async def tg(emu: Emulator) -> AsyncIterator[telegram.Bot]:
    bot = telegram.Bot(emu.token, base_url=emu.base_url, base_file_url=emu.base_file_url)
    async with bot:
        yield bot


def load_shape(name: str) -> Any:
    return json.loads((SHAPES / f"{name}.json").read_text(encoding="utf-8"))
