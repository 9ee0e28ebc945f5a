// One chat message as Telegram shows it: a bubble, a document box, an inline keyboard.

import { renderText, safeHref } from "./entities.js";
import { t, uiLanguage } from "./ui.js";

let zone = undefined; // the bot's TIMEZONE once /_sandbox/info has answered

export function setZone(value) {
  zone = value || undefined;
}

// The sandbox stamps each event with the bot's clock (bot_time), so fast-forwarded reminders
// show the moment a member would receive them, not the wall-clock second they were sent.
export function eventSeconds(event) {
  return event.bot_time ?? event.date;
}

export function formatTime(seconds) {
  const options = { hour: "2-digit", minute: "2-digit", timeZone: zone };
  return new Intl.DateTimeFormat(uiLanguage(), options).format(new Date(seconds * 1000));
}

export function formatDay(seconds) {
  const options = { weekday: "short", day: "numeric", month: "long", timeZone: zone };
  return new Intl.DateTimeFormat(uiLanguage(), options).format(new Date(seconds * 1000));
}

export function dayKey(seconds) {
  const options = { year: "numeric", month: "2-digit", day: "2-digit", timeZone: zone };
  return new Intl.DateTimeFormat("en-CA", options).format(new Date(seconds * 1000));
}

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function sizeText(bytes) {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

function documentBox(doc) {
  const box = el("a", "document");
  // Bot documents carry their URL; a person's own upload is served by file_id.
  box.href = doc.url || `/_emu/files/${encodeURIComponent(doc.file_id)}`;
  box.download = doc.file_name || "file";
  box.title = t("download");
  box.append(el("span", "doc-icon", "⬇"));
  const about = el("span", "doc-about");
  about.append(el("span", "doc-name", doc.file_name || "file"));
  about.append(el("span", "doc-size", sizeText(doc.file_size || 0)));
  box.append(about);
  return box;
}

function button(spec, onPress) {
  const node = el("button", "kb-button", spec.text);
  node.type = "button";
  if (spec.url) {
    const href = safeHref(spec.url);
    node.classList.add("kb-url");
    node.title = href || spec.url;
    node.append(el("span", "kb-corner", "↗"));
    node.disabled = !href;
  } else if (spec.callback_data === undefined) {
    node.disabled = true; // inline queries, games, payments: not part of this bot
  }
  node.addEventListener("click", () => onPress(spec, node));
  return node;
}

function keyboard(markup, onPress) {
  const rows = markup && markup.inline_keyboard;
  if (!rows || !rows.length) return null;
  const box = el("div", "keyboard");
  for (const row of rows) {
    const line = el("div", "kb-row");
    for (const spec of row) line.append(button(spec, onPress));
    box.append(line);
  }
  return box;
}

function fill(row, event, handlers, seconds) {
  row.replaceChildren();
  const bubble = el("div", "bubble");
  if (event.document) bubble.append(documentBox(event.document));
  const text = event.text ?? event.caption ?? "";
  const entities = event.entities ?? event.caption_entities ?? [];
  if (text) bubble.append(renderText(text, entities, handlers.onCommand));
  const meta = el("div", "meta");
  if (event.edit_date) meta.append(el("span", "edited", t("edited")));
  meta.append(el("time", null, formatTime(seconds)));
  bubble.append(meta);
  row.append(bubble);
  const onPress = (spec, node) => handlers.onPress(event.message_id, spec, node);
  const kb = event.from_bot ? keyboard(event.reply_markup, onPress) : null;
  if (kb) row.append(kb);
}

export function messageRow(event, handlers) {
  const row = el("div", `row ${event.from_bot ? "from-bot" : "from-user"}`);
  row.dataset.messageId = event.message_id;
  row.dataset.seconds = eventSeconds(event);
  fill(row, event, handlers, eventSeconds(event));
  return row;
}

// An edit keeps the message's original time, as Telegram does, and adds "edited".
export function updateRow(row, event, handlers) {
  fill(row, event, handlers, Number(row.dataset.seconds));
  row.classList.add("just-edited");
  setTimeout(() => row.classList.remove("just-edited"), 900);
}

export function dayChip(seconds) {
  const chip = el("div", "day-chip");
  chip.append(el("span", null, formatDay(seconds)));
  return chip;
}
