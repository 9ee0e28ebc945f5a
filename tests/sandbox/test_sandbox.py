"""The sandbox server without a browser: page, control routes, fast-forward."""

from __future__ import annotations

import base64
from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.clock import clock, now
from bot.db import transaction
from bot.delivery import owe
from bot.models import Webinar
from bot.runtime import Runtime
from bot.sandbox import Sandbox
from bot.sandbox.fastforward import next_digest, plan_jump
from bot.sandbox.web import MODERATOR_ID, STATIC
from bot.settings import DAYS
from tests.sandbox.conftest import OPERATOR_ADMIN, Http


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


async def test_the_sandbox_moderator_gets_the_moderator_menu_and_members_do_not(
    sandbox: Sandbox, http: Http
) -> None:
    moderator_user = {"id": MODERATOR_ID, "first_name": "Mod", "language_code": "uk"}
    await http.post("/_emu/users", moderator_user)
    await http.post("/_emu/users", {"id": 777004, "first_name": "Olena", "language_code": "uk"})
    moderator = await http.get(f"/_sandbox/commands?user_id={MODERATOR_ID}")
    member = await http.get("/_sandbox/commands?user_id=777004")
    assert "broadcast" in [c["command"] for c in moderator["commands"]]
    assert "broadcast" not in [c["command"] for c in member["commands"]]


async def test_a_person_can_send_a_file_and_fetch_it_back(sandbox: Sandbox, http: Http) -> None:
    await http.post("/_emu/users", {"id": 777005, "first_name": "Olena", "language_code": "uk"})
    body = {
        "user_id": 777005,
        "file_name": "content.yaml",
        "mime_type": "application/x-yaml",
        "data_base64": base64.b64encode(b"themes: []\n").decode(),
    }
    sent = await http.post("/_emu/send_document", body)
    document = sent["message"]["document"]
    assert document["file_name"] == "content.yaml"
    async with http.session.get(f"/_emu/files/{document['file_id']}") as response:
        assert await response.read() == b"themes: []\n"
    await http.post("/_emu/send_document", {**body, "data_base64": "%%%"}, status=400)


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


async def test_with_nothing_owed_the_clock_goes_to_the_next_reminder_or_digest(
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
    local = now().astimezone(runtime.settings.zone)
    first_reminder = webinar.starts_at - max(runtime.settings.REMINDER_OFFSETS)
    # A digest day far from the session: the 24-hour reminder comes first.
    far = DAYS[(webinar.starts_at.astimezone(runtime.settings.zone).weekday() + 3) % 7]
    jump = await plan_jump(with_settings(runtime, DIGEST_DAY=far))
    assert (jump.reason, jump.moment) == ("reminder", first_reminder)
    # A digest half an hour from now: it comes first.
    soon = (local + timedelta(minutes=30)).replace(second=0, microsecond=0)
    jump = await plan_jump(
        with_settings(runtime, DIGEST_DAY=DAYS[local.weekday()], DIGEST_TIME=soon.time())
    )
    assert (jump.reason, jump.moment) == ("digest", soon)


def with_settings(runtime: Runtime, **changes: object) -> Runtime:
    return replace(runtime, settings=runtime.settings.model_copy(update=changes))


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
