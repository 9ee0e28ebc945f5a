"""The real process: graceful SIGTERM, logs one event per line, and no secret in any log line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.emulator.server import Emulator
from bot.logging_setup import secret_variants
from tests.deploy.conftest import SECRET
from tests.deploy.process import BotProcess
from tests.deploy.test_webhook import start_update

pytestmark = pytest.mark.slow  # real processes: a few seconds each to import and migrate
TOKEN = "987654321:AAH-deploy_TestSecretPart0123456789"


def assert_no_secret(log: str) -> None:
    for variant in secret_variants([TOKEN, SECRET]):
        assert variant not in log, f"{variant!r} leaked into the log"


async def troubles(emu: Emulator) -> None:
    """A happy update, then Telegram failing in the middle of handlers, then a forged POST."""
    happy = emu.user(4001, first_name="Olena", language_code="en")
    await happy.send("/start")
    assert (await happy.wait_message(timeout=20)).text.startswith("Hello, Olena!")
    emu.faults.server_error(2, status=502)  # the reply fails: the handler raises NetworkError
    await emu.user(4002, language_code="uk").send("/start")
    emu.faults.block(4003)  # 403 Forbidden inside the handler
    await emu.user(4003, language_code="en").send("/help")
    await emu.wait_idle(quiet=0.5, timeout=20)
    if emu.updates.webhook:
        assert await emu.updates.post_webhook(start_update(emu, 4004), secret="forged") == 403


@pytest.mark.parametrize("webhook", [True, False], ids=["webhook", "polling"])
async def test_debug_logs_never_show_the_token_and_sigterm_exits_0(
    tmp_path: Path, fresh_url: str, webhook: bool
) -> None:
    fmt = "json" if webhook else "text"
    async with Emulator(token=TOKEN) as emu:
        bot = BotProcess.make(
            tmp_path, token=TOKEN, api_url=emu.api_url, database_url=fresh_url,
            webhook=webhook, LOG_LEVEL="DEBUG", LOG_FORMAT=fmt,
        )  # fmt: skip
        await bot.start()
        try:
            await bot.wait_ready()
            await troubles(emu)
            code, took = await bot.terminate()
        finally:
            await bot.kill()
    log = bot.log()
    assert code == 0, log
    assert took < 10, f"graceful stop took {took:.1f}s"
    assert_no_secret(log)
    assert "Bad Gateway" in log and "Forbidden" in log  # the errors were logged, tracebacks too
    if webhook:
        entries = [json.loads(line) for line in log.splitlines()]  # every line is one JSON event
        assert {"DEBUG", "INFO", "ERROR"} <= {entry["level"] for entry in entries}
        assert any("Traceback" in entry.get("exc", "") for entry in entries)
        assert any("refused: wrong_secret" in entry["message"] for entry in entries)
        assert any(entry["message"] == "stopped" for entry in entries)


async def test_a_rejected_token_fails_start_up_without_logging_it(
    tmp_path: Path, fresh_url: str
) -> None:
    # PTB's InvalidToken message quotes the token; the emulator knows a different one.
    async with Emulator(token="111:SomeOtherTokenEntirely") as emu:
        bot = BotProcess.make(
            tmp_path, token=TOKEN, api_url=emu.api_url, database_url=fresh_url, LOG_FORMAT="json"
        )
        await bot.start()
        assert bot.proc is not None
        code = await bot.proc.wait()
    log = bot.log()
    assert code == 1, log
    assert_no_secret(log)
    assert "[REDACTED]" in log and "InvalidToken" in log
