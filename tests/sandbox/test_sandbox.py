"""The sandbox server without a browser: page, control routes, fast-forward, CLI behaviour."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.clock import clock, now
from bot.db import transaction
from bot.delivery import owe
from bot.models import Webinar
from bot.sandbox import Sandbox
from bot.sandbox.fastforward import next_digest, plan_jump
from bot.sandbox.web import MODERATOR_ID, STATIC
from tests.sandbox.conftest import OPERATOR_ADMIN, Http

ROOT = Path(__file__).resolve().parents[2]


async def test_page_and_its_assets_are_served_with_nothing_from_the_internet(
    sandbox: Sandbox, http: Http
) -> None:
    async with http.session.get("/") as response:
        page = await response.text()
    assert response.status == 200
    assert '<script type="module" src="/static/app.js">' in page
    for name in ("app.js", "chat.js", "entities.js", "style.css"):
        async with http.session.get(f"/static/{name}") as response:
            assert response.status == 200
    for path in STATIC.iterdir():
        text = path.read_text(encoding="utf-8")
        # Offline: no CDN scripts, web fonts or remote stylesheets anywhere in the page.
        for remote in ('src="http', 'href="http', "url(http", "@import", "fonts.g"):
            assert remote not in text, f"{path.name} loads something remote: {remote}"
        # Message content must never become markup.
        assert ".innerHTML" not in text and "insertAdjacentHTML" not in text


async def test_sandbox_moderator_is_an_admin_next_to_the_configured_ones(
    sandbox: Sandbox, http: Http
) -> None:
    info = await http.get("/_sandbox/info")
    assert info["moderator_id"] == MODERATOR_ID
    assert MODERATOR_ID in [p["id"] for p in info["presets"]]
    assert sandbox.runtime is not None
    assert sandbox.runtime.settings.ADMIN_IDS == [OPERATOR_ADMIN, MODERATOR_ID]
    assert sandbox.runtime.settings.FEED_URLS == []
    assert sandbox.runtime.settings.sqlite_path() == sandbox.database


@pytest.mark.parametrize(
    ("language", "greeting"), [("en", "Hello, Emma!"), ("uk", "Вітаємо, Emma!")]
)
async def test_a_person_created_on_the_page_is_answered_in_their_language(
    sandbox: Sandbox, http: Http, language: str, greeting: str
) -> None:
    user = {"id": 777001, "first_name": "Emma", "language_code": language}
    assert (await http.post("/_emu/users", user))["language_code"] == language
    await http.post("/_emu/send", {"user_id": 777001, "text": "/start"})
    reply = await http.wait_text(777001, greeting)
    assert reply["kind"] == "sent" and reply["reply_markup"]["inline_keyboard"]
    assert isinstance(reply["bot_time"], int)
    # The control API keeps the name and language the person was created with.
    assert (await http.get("/_emu/users"))["users"][0]["language_code"] == language


async def test_command_menu_is_the_one_telegram_would_show_that_person(
    sandbox: Sandbox, http: Http
) -> None:
    await http.post("/_emu/users", {"id": 777002, "first_name": "Emma", "language_code": "en"})
    menu = await http.get("/_sandbox/commands?user_id=777002")
    described = {c["command"]: c["description"] for c in menu["commands"]}
    assert described["webinars"] == "Upcoming webinars"
    await http.get("/_sandbox/commands?user_id=5", status=404)


async def test_fast_forward_jumps_to_the_next_owed_message_and_delivers_it(
    sandbox: Sandbox, http: Http
) -> None:
    await http.post("/_emu/users", {"id": 777003, "first_name": "Olena", "language_code": "uk"})
    due = now() + timedelta(hours=5)
    assert sandbox.runtime is not None
    async with transaction(sandbox.runtime.sessionmaker) as session:
        await owe(
            session,
            chat_id=777003,
            member_id=None,
            kind="text",
            purpose="sandbox-test",
            batch="sandbox-test",
            payload={"text": "Owed <b>hello</b>"},
            due_at=due,
        )
    result = await http.post("/_sandbox/fast-forward", {})
    assert result["reason"] == "delivery"
    assert abs((now() - due).total_seconds() - 1) < 5  # the clock sits just past the due time
    assert result["sent"] == 1
    message = await http.wait_text(777003, "Owed hello")
    assert message["entities"] == [{"type": "bold", "offset": 5, "length": 5}]
    clock_now = await http.get("/_sandbox/clock")
    assert clock_now["offset_seconds"] > 4 * 3600


async def test_with_nothing_owed_the_clock_goes_to_the_next_reminder_moment(
    sandbox: Sandbox,
) -> None:
    runtime = sandbox.runtime
    assert runtime is not None
    async with runtime.sessionmaker() as session:
        webinar = await session.scalar(
            select(Webinar).where(Webinar.starts_at > now()).order_by(Webinar.starts_at)
        )
    assert webinar is not None
    clock.set(webinar.starts_at - timedelta(hours=25))
    jump = await plan_jump(runtime)
    digest_first = jump.reason == "digest"
    first_reminder = webinar.starts_at - max(runtime.settings.REMINDER_OFFSETS)
    assert jump.moment is not None
    assert jump.moment <= first_reminder
    assert digest_first or (jump.reason, jump.moment) == ("reminder", first_reminder)


async def test_next_digest_is_the_weekly_moment_in_the_community_zone(sandbox: Sandbox) -> None:
    runtime = sandbox.runtime
    assert runtime is not None
    after = now()
    async with runtime.sessionmaker() as session:
        moment = await next_digest(session, runtime.settings, after)
    local = moment.astimezone(runtime.settings.zone)
    assert local.strftime("%a").lower() == runtime.settings.DIGEST_DAY
    assert local.time() == runtime.settings.DIGEST_TIME
    assert timedelta(0) < moment - after <= timedelta(days=7)


# -- the real command line, as a person would run it ------------------------------------------
def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _hromada(args: list[str], cwd: Path) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("BOT_TOKEN", "DATABASE_URL")}
    env["PYTHONPATH"] = str(ROOT)
    return subprocess.Popen(
        [sys.executable, "-m", "bot", *args],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _read_until(proc: subprocess.Popen[str], needle: str, seconds: float = 30) -> list[str]:
    assert proc.stdout is not None
    lines: list[str] = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line and proc.poll() is not None:
            break
        lines.append(line.rstrip("\n"))
        if needle in line:
            return lines
    raise AssertionError(f"{needle!r} never printed; got {lines}")


def test_hromada_run_without_a_token_says_so_first_then_serves_the_sandbox(
    tmp_path: Path,
) -> None:
    port = _free_port()
    proc = _hromada(["run", "--port", str(port)], tmp_path)
    try:
        lines = _read_until(proc, "Stop with Ctrl+C")
        assert lines[0].startswith("BOT_TOKEN is not set: starting the offline sandbox")
        assert any(f"http://127.0.0.1:{port}" in line for line in lines)
        assert (tmp_path / "data" / "sandbox.sqlite3").exists()
    finally:
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    assert "sandbox stopped" in out


def test_a_taken_port_fails_with_one_clear_line(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        proc = _hromada(["sandbox", "--port", str(port)], tmp_path)
        _out, err = proc.communicate(timeout=60)
    assert proc.returncode == 1
    lines = [line for line in err.splitlines() if line.strip()]
    assert lines == [
        f"sandbox: cannot listen on 127.0.0.1:{port}: already in use. "
        f"Is another sandbox running? Try --port {port + 1}"
    ]
