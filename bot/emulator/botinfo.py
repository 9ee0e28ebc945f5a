"""Bot API methods about the bot, its updates, commands, chats and files (everything but messages).

getMe, getUpdates, setWebhook, deleteWebhook, getWebhookInfo, setMyCommands, getMyCommands,
deleteMyCommands, getChat, getChatMember, setChatMenuButton, getChatMenuButton, getFile, and a few
setters that only answer ``true`` (``ACK_ONLY``). Commands are kept in ``emu.commands`` under
``(scope_key, language_code)``, e.g. ``("default", "")``, ``("all_private_chats", "uk")``,
``("chat:-100123", "")``, ``("chat_member:-100123:42", "en")``.
"""

from __future__ import annotations

import mimetypes
import re
from typing import TYPE_CHECKING, Any

from .params import Params
from .state import bad_request

if TYPE_CHECKING:
    from .server import Emulator

_COMMAND = re.compile(r"^[a-z0-9_]{1,32}$")
ACK_ONLY = (
    "setMyDescription",
    "setMyShortDescription",
    "setMyName",
    "pinChatMessage",
    "unpinChatMessage",
    "setMessageReaction",
    "leaveChat",
    "logOut",
    "close",
)
_ADMIN_RIGHTS = (
    "can_be_edited can_manage_chat can_delete_messages can_manage_video_chats "
    "can_restrict_members can_promote_members can_change_info can_invite_users "
    "can_post_stories can_edit_stories can_delete_stories"
).split()


def scope_key(scope: dict | None) -> str:
    scope = scope or {"type": "default"}
    ids = [str(scope[k]) for k in ("chat_id", "user_id") if k in scope]
    return ":".join([scope.get("type", "default"), *ids])


async def get_me(emu: Emulator, p: Params) -> dict:
    return {
        **emu.bot_user,
        "can_join_groups": True,
        "can_read_all_group_messages": False,
        "supports_inline_queries": True,
        "can_connect_to_business": False,
        "has_main_web_app": False,
    }


async def get_updates(emu: Emulator, p: Params) -> list[dict]:
    return await emu.updates.get_updates(p)


async def set_webhook(emu: Emulator, p: Params) -> bool:
    return emu.updates.set_webhook(p)


async def delete_webhook(emu: Emulator, p: Params) -> bool:
    return emu.updates.delete_webhook(p)


async def get_webhook_info(emu: Emulator, p: Params) -> dict:
    return emu.updates.webhook_info()


def _command_key(p: Params) -> tuple[str, str]:
    return scope_key(p.json("scope")), p.str("language_code", "") or ""


async def set_my_commands(emu: Emulator, p: Params) -> bool:
    commands = p.json("commands") or []
    if not isinstance(commands, list) or len(commands) > 100:
        raise bad_request("can't parse commands JSON object")
    for command in commands:
        if not _COMMAND.match(str(command.get("command", ""))):
            raise bad_request("BOT_COMMAND_INVALID")
        if not 1 <= len(str(command.get("description", ""))) <= 256:
            raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
    key = _command_key(p)
    if commands:
        emu.commands[key] = [
            {"command": c["command"], "description": c["description"]} for c in commands
        ]
    else:
        emu.commands.pop(key, None)
    return True


async def get_my_commands(emu: Emulator, p: Params) -> list[dict]:
    return emu.commands.get(_command_key(p), [])


async def delete_my_commands(emu: Emulator, p: Params) -> bool:
    emu.commands.pop(_command_key(p), None)
    return True


async def get_chat(emu: Emulator, p: Params) -> dict:
    chat = emu.chat_json(p.chat_id())
    return {
        **chat,
        "accent_color_id": 0,
        "max_reaction_count": 11,
        "accepted_gift_types": {
            "unlimited_gifts": False,
            "limited_gifts": False,
            "unique_gifts": False,
            "premium_subscription": False,
            "gifts_from_channels": False,
        },
    }


def member_json(user: dict, status: str) -> dict:
    """A ChatMember of ``status`` with the fields PTB requires for it."""
    member: dict[str, Any] = {"status": status, "user": user}
    if status == "creator":
        member["is_anonymous"] = False
    elif status == "administrator":
        member.update(dict.fromkeys(_ADMIN_RIGHTS, True), is_anonymous=False)
    elif status == "kicked":
        member["until_date"] = 0
    elif status == "restricted":
        raise ValueError("restricted members are not emulated")
    return member


async def get_chat_member(emu: Emulator, p: Params) -> dict:
    chat_id = p.chat_id()
    emu.ensure_chat(chat_id)
    user_id = p.int("user_id")
    if user_id is None:
        raise bad_request("user_id is empty")
    if user_id == emu.bot_id:
        return member_json(dict(emu.bot_user), emu.member_status.get((chat_id, user_id), "member"))
    if user_id not in emu.users:
        raise bad_request("user not found")
    status = emu.member_status.get((chat_id, user_id), "member")
    return member_json(emu.public_user(user_id), status)


async def set_chat_menu_button(emu: Emulator, p: Params) -> bool:
    emu.menu_buttons[p.int("chat_id")] = p.json("menu_button") or {"type": "default"}
    return True


async def get_chat_menu_button(emu: Emulator, p: Params) -> dict:
    return emu.menu_buttons.get(p.int("chat_id"), {"type": "commands"})


async def get_file(emu: Emulator, p: Params) -> dict:
    file_id = p.str("file_id") or ""
    doc = emu.files.get(file_id)
    if doc is None:
        raise bad_request("invalid file_id")
    ext = mimetypes.guess_extension(doc.mime) or ""
    path = f"documents/file_{doc.file_unique_id}{ext}"
    emu.file_paths[path] = file_id
    return {
        "file_id": file_id,
        "file_unique_id": doc.file_unique_id,
        "file_size": len(doc.data),
        "file_path": path,
    }


async def _ack(emu: Emulator, p: Params) -> bool:
    return True


METHODS = {
    "getMe": get_me,
    "getUpdates": get_updates,
    "setWebhook": set_webhook,
    "deleteWebhook": delete_webhook,
    "getWebhookInfo": get_webhook_info,
    "setMyCommands": set_my_commands,
    "getMyCommands": get_my_commands,
    "deleteMyCommands": delete_my_commands,
    "getChat": get_chat,
    "getChatMember": get_chat_member,
    "setChatMenuButton": set_chat_menu_button,
    "getChatMenuButton": get_chat_menu_button,
    "getFile": get_file,
    **dict.fromkeys(ACK_ONLY, _ack),
}
