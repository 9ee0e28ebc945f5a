"""Bot API request parameters from any of the four encodings Telegram accepts, with its coercions.

PTB v22's HTTPXRequest posts ``application/x-www-form-urlencoded`` (every value a string,
non-strings JSON-dumped: ``reply_markup``, ``entities``, ``true``) or ``multipart/form-data`` when
a file is uploaded; other clients send JSON or a query string. ``Params`` hides the difference.
"""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web
from aiohttp.web_request import FileField

from .state import ApiError, bad_request


class Upload:
    """A file part of a multipart request."""

    def __init__(self, filename: str, data: bytes, mime: str) -> None:
        self.filename, self.data, self.mime = filename, data, mime


async def read_params(request: web.Request) -> dict[str, Any]:
    """Merge the query string and the body (JSON, urlencoded or multipart) into one dict."""
    params: dict[str, Any] = dict(request.query)
    if request.method != "POST" or not request.can_read_body:
        return params
    if request.content_type == "application/json":
        try:
            body = await request.json()
        except ValueError as exc:
            raise bad_request("can't parse JSON object") from exc
        if not isinstance(body, dict):
            raise bad_request("JSON object expected")
        params.update(body)
        return params
    form = await request.post()
    for key, value in form.items():
        if isinstance(value, FileField):
            data = value.file.read()
            params[key] = Upload(value.filename, data, value.content_type)
        else:
            params[key] = value
    return params


class Params:
    """Typed access to one request's parameters, failing the way Telegram fails."""

    def __init__(self, raw: dict[str, Any]) -> None:
        self.raw = raw

    def __contains__(self, name: str) -> bool:
        return self.raw.get(name) not in (None, "")

    def str(self, name: str, default: str | None = None) -> str | None:
        value = self.raw.get(name)
        if value is None:
            return default
        return value if isinstance(value, str) else json.dumps(value)

    def int(self, name: str, default: int | None = None) -> int | None:
        value = self.raw.get(name)
        if value in (None, ""):
            return default
        try:
            return int(value)
        except (TypeError, ValueError) as exc:
            raise bad_request(f"invalid {name} specified") from exc

    def bool(self, name: str, default: bool = False) -> bool:
        value = self.raw.get(name)
        if value is None or value == "":
            return default
        if isinstance(value, str):
            return value.lower() in ("true", "1")
        return bool(value)

    def json(self, name: str, what: str | None = None) -> Any:
        """A JSON-valued parameter, which form encodings carry as a string."""
        value = self.raw.get(name)
        if not isinstance(value, str):
            return value
        if value == "":
            return None
        try:
            return json.loads(value)
        except ValueError as exc:
            raise bad_request(f"can't parse {what or name} JSON object") from exc

    def chat_id(self) -> int:
        value = self.raw.get("chat_id")
        if value in (None, ""):
            raise bad_request("chat_id is empty")
        try:
            return int(value)
        except (TypeError, ValueError) as exc:
            # "@channelusername" targets: the emulator knows no public channels.
            raise bad_request("chat not found") from exc

    def plain(self) -> dict[str, Any]:
        """JSON-decoded values for the request log, with uploads summarised."""
        out: dict[str, Any] = {}
        for key, value in self.raw.items():
            if isinstance(value, Upload):
                out[key] = {"filename": value.filename, "size": len(value.data)}
            elif isinstance(value, str) and value[:1] in "[{":
                try:
                    out[key] = json.loads(value)
                except ValueError:
                    out[key] = value
            else:
                out[key] = value
        return out


def optional_chat_id(raw: dict[str, Any]) -> int | None:
    """The chat a request targets, for fault matching and the request log; None if absent/odd."""
    value = raw.get("chat_id")
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


__all__ = ["ApiError", "Params", "Upload", "optional_chat_id", "read_params"]
