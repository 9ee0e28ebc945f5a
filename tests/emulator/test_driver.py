"""Drivers playing users and groups, the /_emu/ control API, and the standalone CLI."""

from __future__ import annotations

import asyncio
import sys

import aiohttp
import pytest
import telegram
from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.emulator import Emulator

MENU = InlineKeyboardMarkup(
    [
        [InlineKeyboardButton("Так", callback_data="yes")],
        [InlineKeyboardButton("Сайт", url="https://example.org/")],
    ]
)


async def test_wait_message_timeout_shows_the_transcript(emu: Emulator, tg: telegram.Bot) -> None:
    user = emu.user(1001, "Olena")
    await user.send("/start")
    await tg.send_message(1001, "Вітаємо!")
    with pytest.raises(AssertionError) as caught:
        await user.wait_message(timeout=0.2, contains="Бувайте")
    report = str(caught.value)
    assert "no new bot message containing 'Бувайте' in chat 1001 within 0.2s" in report
    assert "Olena (1001): /start" in report
    assert "bot #2: Вітаємо!" in report


def test_user_is_created_once_and_updated_only_by_given_arguments(emu: Emulator) -> None:
    olena = emu.user(1001, "Olena", username="olena_k")
    assert olena.user == {"id": 1001, "is_bot": False, "first_name": "Olena",
                          "language_code": "uk", "username": "olena_k"}  # fmt: skip
    assert emu.user(1001) is olena and olena.user["first_name"] == "Olena"
    emu.user(1001, language_code=None)
    assert "language_code" not in olena.user
    assert emu.user(1002).user["first_name"] == "Test"


async def test_wait_message_consumes_in_order(emu: Emulator, tg: telegram.Bot) -> None:
    user = emu.user(1001, "Olena")
    for text in ("one", "two", "three", "four"):
        await tg.send_message(1001, text)
    assert (await user.wait_message()).text == "one"
    assert (await user.wait_message(contains="hre")).text == "three"  # "two" is skipped
    assert (await user.wait_message()).text == "four"
    assert [m.text for m in user.messages()] == ["one", "two", "three", "four"]
    later = asyncio.create_task(user.wait_message(timeout=2))
    await asyncio.sleep(0.05)
    await tg.send_message(1001, "five", disable_notification=True)
    five = await later
    assert (five.text, five.disable_notification) == ("five", True)


async def test_press_buttons_and_see_edits(emu: Emulator, tg: telegram.Bot) -> None:
    user = emu.user(1001, "Olena")
    sent = await tg.send_message(1001, "Зареєструватися?", reply_markup=MENU)
    menu = await user.wait_message()
    assert menu.buttons == [["Так"], ["Сайт"]]
    assert menu.button("Сайт") == {"text": "Сайт", "url": "https://example.org/"}
    with pytest.raises(ValueError, match="URL button"):
        await user.press("Сайт")
    with pytest.raises(AssertionError, match="no inline button 'Ні'"):
        await user.press("Ні")
    query_id = await user.press("Так")
    forged = await user.press_data("admin:wipe", menu)
    (press, forgery) = await tg.get_updates()
    assert (press.callback_query.id, press.callback_query.data) == (query_id, "yes")
    assert press.callback_query.message.message_id == sent.message_id
    assert (forgery.callback_query.id, forgery.callback_query.data) == (forged, "admin:wipe")

    edit = asyncio.create_task(user.wait_edit(menu, timeout=2))
    await tg.edit_message_text("Зареєстровано ✅", 1001, sent.message_id)
    assert (await edit).text == "Зареєстровано ✅"
    assert menu.edits[0]["text"] == "Зареєструватися?"
    with pytest.raises(AssertionError, match="was not edited"):
        await user.wait_edit(menu, timeout=0.1)


async def test_group_driver_and_bot_joining(emu: Emulator, tg: telegram.Bot) -> None:
    admin = emu.user(1001, "Olena")
    group = await emu.add_bot_to_group(-1001500, "Громади разом", by=admin)
    await group.send_as(emu.user(1002, "Petro"), "/help@hromada_test_bot")
    joined, service, command = await tg.get_updates()
    assert joined.my_chat_member.new_chat_member.status == "member"
    assert joined.my_chat_member.old_chat_member.status == "left"
    assert service.message.new_chat_members[0].id == emu.bot_id
    assert command.message.chat.type == "supergroup"
    assert command.message.from_user.first_name == "Petro"
    assert command.message.entities[0].length == len("/help@hromada_test_bot")
    await tg.send_message(-1001500, "Довідка")
    assert (await group.wait_message()).text == "Довідка"


async def test_user_documents_and_inline_queries(emu: Emulator, tg: telegram.Bot) -> None:
    user = emu.user(1001, "Olena")
    await user.send_document("plan.csv", b"a,b\n1,2\n", "text/csv", caption="План")
    (update,) = await tg.get_updates()
    assert update.message.caption == "План"
    file = await update.message.document.get_file()
    assert bytes(await file.download_as_bytearray()) == b"a,b\n1,2\n"

    query_id = await user.inline_query("webinar")
    (_, inline) = await tg.get_updates(offset=update.update_id)
    assert inline.inline_query.query == "webinar"
    result = telegram.InlineQueryResultArticle(
        "1", "Webinar", telegram.InputTextMessageContent("See you")
    )
    await tg.answer_inline_query(query_id, [result])
    answer = await user.wait_inline_answer(query_id)
    assert answer["results"][0]["title"] == "Webinar"


async def test_control_api_for_the_sandbox(emu: Emulator, tg: telegram.Bot) -> None:
    async with aiohttp.ClientSession(base_url=emu.api_url) as http:
        async with http.post("/_emu/users", json={"id": 77, "first_name": "Iryna"}) as resp:
            assert (await resp.json())["language_code"] == "uk"
        async with http.post("/_emu/send", json={"user_id": 77, "text": "/start"}) as resp:
            assert (await resp.json())["message"]["text"] == "/start"
        (update,) = await tg.get_updates()
        assert update.message.from_user.first_name == "Iryna"

        poll = asyncio.create_task(http.get("/_emu/messages", params={"chat_id": 77, "after": 1,
                                                                        "wait": 5}))  # fmt: skip
        await asyncio.sleep(0.05)
        sent = await tg.send_message(77, "<b>Привіт</b>", parse_mode="HTML", reply_markup=MENU)
        async with await poll as resp:
            feed = await resp.json()
        (event,) = feed["events"]
        assert (event["kind"], event["seq"], feed["seq"]) == ("sent", 2, 2)
        assert (event["text"], event["html"]) == ("Привіт", "<b>Привіт</b>")
        assert event["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "yes"

        body = {"user_id": 77, "message_id": sent.message_id, "callback_data": "yes"}
        async with http.post("/_emu/press", json=body) as resp:
            query_id = (await resp.json())["callback_query_id"]
        await tg.answer_callback_query(query_id, "OK")
        async with http.get("/_emu/messages", params={"after": 2}) as resp:
            kinds = [e["kind"] for e in (await resp.json())["events"]]
        assert kinds == ["press", "callback_answer"]

        doc = await tg.send_document(77, b"%PDF", filename="звіт.pdf")
        async with http.get(f"/_emu/files/{doc.document.file_id}") as resp:
            assert await resp.read() == b"%PDF"
            assert "%D0%B7%D0%B2%D1%96%D1%82.pdf" in resp.headers["Content-Disposition"]
        async with http.get("/_emu/users") as resp:
            assert [u["id"] for u in (await resp.json())["users"]] == [77]


async def test_standalone_cli_prints_its_url_and_serves() -> None:
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.emulator", "--port", "0", "--token", "42:CLI",
        stdout=asyncio.subprocess.PIPE,
    )  # fmt: skip
    try:
        assert proc.stdout is not None
        line = (await asyncio.wait_for(proc.stdout.readline(), 20)).decode()
        assert line.startswith("Telegram Bot API emulator at http://127.0.0.1:")
        async with aiohttp.ClientSession() as http:
            async with http.get(f"{line.split()[-1]}/bot42:CLI/getMe") as resp:
                assert (await resp.json())["result"]["id"] == 42
    finally:
        proc.terminate()
        assert await proc.wait() == 0
