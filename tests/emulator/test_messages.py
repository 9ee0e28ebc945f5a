"""Sending, editing and deleting through a real PTB Bot over HTTP, with Telegram's validation."""

from __future__ import annotations

import io

import pytest
import telegram
from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, EndPointNotFound

from bot.emulator import Emulator


def keyboard(data: str, label: str = "OK") -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(label, callback_data=data)]])


async def test_send_edit_delete_round_trip(emu: Emulator, tg: telegram.Bot) -> None:
    sent = await tg.send_message(
        1001,
        "<b>Вебінар</b> завтра",
        parse_mode="HTML",
        reply_markup=keyboard("reg:1", "Зареєструватися"),
        disable_notification=True,
        link_preview_options=telegram.LinkPreviewOptions(is_disabled=True),
    )
    assert sent.text == "Вебінар завтра"
    kept = emu.messages[1001][0]
    assert (kept.html, kept.parse_mode, kept.disable_notification) == (
        "<b>Вебінар</b> завтра", "HTML", True)  # fmt: skip
    assert kept.link_preview_options == {"is_disabled": True}
    assert kept.reply_markup == {
        "inline_keyboard": [[{"text": "Зареєструватися", "callback_data": "reg:1"}]]
    }

    edited = await tg.edit_message_text("Скасовано", 1001, sent.message_id)
    assert edited.text == "Скасовано" and edited.edit_date is not None
    assert kept.text == "Скасовано"
    assert kept.reply_markup is None  # an edit without reply_markup drops the keyboard
    assert [e["text"] for e in kept.edits] == ["Вебінар завтра"]

    assert await tg.delete_message(1001, sent.message_id) is True
    assert kept.deleted
    with pytest.raises(BadRequest, match="Message to delete not found"):
        await tg.delete_message(1001, sent.message_id)
    with pytest.raises(BadRequest, match="Message to edit not found"):
        await tg.edit_message_text("again", 1001, sent.message_id)


async def test_identical_edit_is_not_modified(tg: telegram.Bot) -> None:
    sent = await tg.send_message(1001, "same", reply_markup=keyboard("a"))
    with pytest.raises(BadRequest, match="Message is not modified: specified new message"):
        await tg.edit_message_text("same", 1001, sent.message_id, reply_markup=keyboard("a"))
    with pytest.raises(BadRequest, match="Message is not modified"):
        await tg.edit_message_reply_markup(1001, sent.message_id, reply_markup=keyboard("a"))
    changed = await tg.edit_message_reply_markup(1001, sent.message_id, reply_markup=keyboard("b"))
    assert changed.reply_markup.inline_keyboard[0][0].callback_data == "b"


@pytest.mark.parametrize(
    ("markup", "expected"),
    [
        ("<b>unclosed", "Can't parse entities: can't find end tag corresponding to start tag"),
        ("<div>x</div>", 'unsupported start tag "div" at byte offset 0'),
        ("<i>x</b>", 'unmatched end tag at byte offset 4, expected "</i>", found "</b>"'),
    ],
)
async def test_html_errors_raise_bad_request(
    emu: Emulator, tg: telegram.Bot, markup: str, expected: str
) -> None:
    with pytest.raises(BadRequest) as caught:
        await tg.send_message(1001, markup, parse_mode="HTML")
    assert expected in caught.value.message
    assert emu.messages[1001] == []
    assert emu.requests[-1].status == 400


@pytest.mark.parametrize("filler", ["я", "😀", "a"])
async def test_text_limit_is_4096_characters_after_parsing(tg: telegram.Bot, filler: str) -> None:
    # Markup does not count, characters do (an emoji is one, though two UTF-16 units).
    ok = await tg.send_message(1001, f"<b>{filler * 4096}</b>", parse_mode="HTML")
    assert len(ok.text) == 4096
    with pytest.raises(BadRequest, match="Message is too long"):
        await tg.send_message(1001, filler * 4097)


async def test_empty_or_blank_text_is_refused(tg: telegram.Bot) -> None:
    for text in ("", "  \n ", "<b> </b>"):
        with pytest.raises(BadRequest, match="Message text is empty"):
            await tg.send_message(1001, text, parse_mode="HTML")


@pytest.mark.parametrize(
    ("data", "accepted"),
    [("x" * 64, True), ("x" * 65, False), ("ї" * 32, True), ("ї" * 33, False), ("", False)],
)
async def test_callback_data_is_1_to_64_utf8_bytes(
    tg: telegram.Bot, data: str, accepted: bool
) -> None:
    if accepted:
        await tg.send_message(1001, "pick", reply_markup=keyboard(data))
        return
    with pytest.raises(BadRequest, match="Button_data_invalid"):
        await tg.send_message(1001, "pick", reply_markup=keyboard(data))


async def test_unknown_method_is_404_and_recorded(emu: Emulator, tg: telegram.Bot) -> None:
    with pytest.raises(EndPointNotFound):
        await tg.do_api_request("sendTelepathy", api_kwargs={"chat_id": 1})
    assert emu.unknown_methods == ["sendTelepathy"]


async def test_answer_callback_query_once_and_only_for_real_ids(
    emu: Emulator, tg: telegram.Bot
) -> None:
    user = emu.user(1001, "Olena")
    await tg.send_message(1001, "pick", reply_markup=keyboard("p"))
    query_id = await user.press("OK")
    assert await tg.answer_callback_query(query_id, "Готово", show_alert=True)
    assert user.callback_answers == [
        {"id": query_id, "text": "Готово", "show_alert": True, "url": None}
    ]
    for bad in (query_id, "123"):
        with pytest.raises(BadRequest, match="Query is too old"):
            await tg.answer_callback_query(bad)


async def test_document_upload_is_kept_and_downloadable(emu: Emulator, tg: telegram.Bot) -> None:
    payload = "Порядок денний".encode()
    sent = await tg.send_document(
        1001,
        io.BytesIO(payload),
        filename="agenda.txt",
        caption="<b>Agenda</b>",
        parse_mode="HTML",
    )
    doc = emu.messages[1001][0].document
    assert (doc.filename, doc.data) == ("agenda.txt", payload)
    assert emu.messages[1001][0].text == "Agenda"
    file = await tg.get_file(sent.document.file_id)
    assert bytes(await file.download_as_bytearray()) == payload
    again = await tg.send_document(2002, sent.document.file_id)  # resend by file_id
    assert again.document.file_unique_id == sent.document.file_unique_id


async def test_groups_must_exist_and_commands_are_scoped(emu: Emulator, tg: telegram.Bot) -> None:
    with pytest.raises(BadRequest, match="Chat not found"):
        await tg.send_message(-100777, "hi")
    emu.add_group(-100777, "Hromady", forum=True)
    assert (await tg.get_chat(-100777)).is_forum
    commands = [telegram.BotCommand("start", "Почати")]
    scope = telegram.BotCommandScopeAllPrivateChats()
    await tg.set_my_commands(commands, scope=scope, language_code="uk")
    assert emu.commands[("all_private_chats", "uk")] == [
        {"command": "start", "description": "Почати"}
    ]
    assert await tg.get_my_commands(scope=scope, language_code="uk") == tuple(commands)
    assert await tg.get_my_commands() == ()
    await tg.delete_my_commands(scope=scope, language_code="uk")
    assert emu.commands == {}
