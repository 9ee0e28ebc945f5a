"""A local emulator of the Telegram Bot API that the real bot talks to over real HTTP.

Telegram is unreachable from the development machines and from CI, and a fake ``BaseRequest`` would
skip the HTTP layer where timeouts, 429s and dropped connections happen. So the emulator is a small
HTTP server speaking the Bot API's JSON, plus drivers that play users, plus fault switches.

It is built on aiohttp because aiohttp gives, in one dependency the project already has:
* a server that runs inside the test's own event loop (``await emu.start()``), so tests drive users
  and inspect state directly, with no threads or subprocesses (``python -m bot.emulator`` exists
  for real-process tests and the browser sandbox);
* an HTTP client for webhook pushes;
* handlers that can simply ``await`` for long polls (getUpdates, the control API's event feed);
* access to the transport, so a fault can close a connection without answering.

Modules: ``server`` (``Emulator``), ``driver`` (users/groups), ``faults``, ``updates`` (getUpdates,
webhooks), ``messages`` and ``botinfo`` (Bot API methods), ``control`` (``/_emu/`` JSON API),
``telegram_html`` (``parse_html``, reusable by the bot), ``state`` and ``params`` (internals).

Use with PTB::

    async with Emulator() as emu:
        bot = telegram.Bot(emu.token, base_url=emu.base_url, base_file_url=emu.base_file_url)
        user = emu.user(1001, "Olena")
        await user.send("/start")
        reply = await user.wait_message()
"""

from .driver import GroupDriver, MessageView, UserDriver
from .server import Emulator
from .state import BotMessage, Document, RequestRecord
from .telegram_html import HTMLParseError, parse_html
from .updates import CONFIGURED

__all__ = [
    "CONFIGURED",
    "BotMessage",
    "Document",
    "Emulator",
    "GroupDriver",
    "HTMLParseError",
    "MessageView",
    "RequestRecord",
    "UserDriver",
    "parse_html",
]
