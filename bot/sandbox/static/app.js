// The sandbox page: pick a person, chat with the bot through the emulator's control API,
// follow its replies by long-polling /_emu/messages, and fast-forward the bot's clock.

import { dayChip, dayKey, eventSeconds, messageRow, setZone, updateRow } from "./chat.js";
import { safeHref } from "./entities.js";
import { bindNewPerson, identityBadges, showPeople } from "./people.js";
import { applyWords, setUiLanguage, t, uiLanguage } from "./ui.js";
import { startClock, syncClock } from "./clock.js";

const $ = (id) => document.getElementById(id);
const state = { info: null, user: null, seq: 0, rows: new Map(), lastDay: null, poll: null };

async function api(path, body) {
  const init =
    body === undefined
      ? {}
      : { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) };
  const response = await fetch(path, init);
  const data = await response.json().catch(() => ({}));
  if (!response.ok || data.ok === false) throw new Error(data.error || response.statusText);
  return data;
}

export function toast(text, ms = 3500) {
  const box = $("toast");
  box.textContent = text;
  box.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => (box.hidden = true), ms);
}

function alertBox(text) {
  $("alert-text").textContent = text;
  $("alert").hidden = false;
  $("alert-ok").focus();
}

// -- events ------------------------------------------------------------------------------------
const handlers = {
  onPress: press,
  onCommand: (command) => send(command),
};

function append(event) {
  const list = $("messages");
  const day = dayKey(eventSeconds(event));
  if (day !== state.lastDay) {
    list.append(dayChip(eventSeconds(event)));
    state.lastDay = day;
  }
  const row = messageRow(event, handlers);
  state.rows.set(event.message_id, row);
  list.append(row);
  $("chat-empty")?.remove();
  list.scrollTop = list.scrollHeight;
}

function replyKeyboard(markup) {
  const box = $("reply-keyboard");
  if (!markup || markup.remove_keyboard) box.hidden = true;
  if (!markup || !markup.keyboard) return;
  box.replaceChildren();
  for (const row of markup.keyboard) {
    const line = document.createElement("div");
    line.className = "kb-row";
    for (const spec of row) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "kb-button";
      button.textContent = typeof spec === "string" ? spec : spec.text;
      button.addEventListener("click", () => {
        if (markup.one_time_keyboard) box.hidden = true;
        send(button.textContent);
      });
      line.append(button);
    }
    box.append(line);
  }
  box.hidden = false;
}

function handle(event) {
  const row = state.rows.get(event.message_id);
  if (event.kind === "user" || event.kind === "sent") append(event);
  if (event.kind === "sent") replyKeyboard(event.reply_markup);
  if (event.kind === "edited" && row) updateRow(row, event, handlers);
  if (event.kind === "edited" && !row) append(event);
  if (event.kind === "deleted" && row) row.remove();
  if (event.kind === "callback_answer" && event.user_id === state.user?.id) {
    for (const node of document.querySelectorAll(".kb-button.loading")) node.classList.remove("loading");
    if (event.text) (event.show_alert ? alertBox : toast)(event.text);
    const href = event.url && safeHref(event.url);
    if (href) window.open(href, "_blank", "noopener");
  }
}

async function poll(userId, signal) {
  while (!signal.aborted) {
    try {
      const query = `chat_id=${userId}&after=${state.seq}&wait=25`;
      const response = await fetch(`/_emu/messages?${query}`, { signal });
      const data = await response.json();
      for (const event of data.events) handle(event);
      state.seq = Math.max(state.seq, data.seq);
      document.body.classList.remove("offline");
    } catch (error) {
      if (signal.aborted) return;
      document.body.classList.add("offline");
      toast(t("offline"));
      await new Promise((resolve) => setTimeout(resolve, 2000));
    }
  }
}

// -- actions -----------------------------------------------------------------------------------
async function send(text) {
  if (!state.user || !text.trim()) return;
  $("command-menu").hidden = true;
  try {
    await api("/_emu/send", { user_id: state.user.id, text });
  } catch (error) {
    toast(error.message);
  }
}

function readBase64(file) {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).split(",", 2)[1] || "");
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(file);
  });
}

async function attach(input) {
  const file = input.files[0];
  input.value = "";
  if (!file || !state.user) return;
  const caption = $("composer-text").value.trim();
  $("composer-text").value = "";
  try {
    await api("/_emu/send_document", {
      user_id: state.user.id,
      file_name: file.name,
      mime_type: file.type || "application/octet-stream",
      data_base64: await readBase64(file),
      caption: caption || undefined,
    });
  } catch (error) {
    toast(error.message);
  }
}

async function press(messageId, spec, node) {
  if (spec.url) {
    const href = safeHref(spec.url);
    if (href) window.open(href, "_blank", "noopener");
    return;
  }
  if (spec.callback_data === undefined) return;
  node.classList.add("loading");
  setTimeout(() => node.classList.remove("loading"), 5000);
  const body = { user_id: state.user.id, message_id: messageId, callback_data: spec.callback_data };
  try {
    await api("/_emu/press", body);
  } catch (error) {
    node.classList.remove("loading");
    toast(error.message);
  }
}

async function fastForward() {
  const button = $("fast-forward");
  button.disabled = true;
  try {
    const result = await api("/_sandbox/fast-forward", {});
    await syncClock();
    const sent = result.sent;
    if (result.reason === "due") toast(t("dueNow", { sent }), 5000);
    else if (!result.moment) toast(t("nothing"));
    else {
      const moment = new Intl.DateTimeFormat(uiLanguage(), {
        dateStyle: "medium",
        timeStyle: "short",
        timeZone: state.info?.timezone || undefined,
      }).format(new Date(result.moment));
      toast(t("jumped", { moment, reason: t(`reason_${result.reason}`), sent }), 6000);
    }
  } catch (error) {
    toast(error.message);
  } finally {
    button.disabled = false;
  }
}

async function showCommands() {
  const menu = $("command-menu");
  if (!menu.hidden) return void (menu.hidden = true);
  const data = await api(`/_sandbox/commands?user_id=${state.user.id}`);
  menu.replaceChildren();
  for (const command of data.commands) {
    const item = document.createElement("button");
    item.type = "button";
    item.className = "command";
    const name = document.createElement("strong");
    name.textContent = `/${command.command}`;
    const about = document.createElement("span");
    about.textContent = command.description;
    item.append(name, about);
    item.addEventListener("click", () => send(`/${command.command}`));
    menu.append(item);
  }
  if (!data.commands.length) menu.textContent = t("noCommands");
  menu.hidden = false;
}

// -- screens -----------------------------------------------------------------------------------
async function openPicker() {
  state.poll?.abort();
  state.user = null;
  $("chat").hidden = true;
  $("picker").hidden = false;
  $("people-button").hidden = true;
  $("chat-title").textContent = state.info.bot.first_name;
  $("chat-sub").textContent = `@${state.info.bot.username}`;
  const { users } = await api("/_emu/users");
  showPeople(state.info, users, pick);
}

async function pick(person) {
  const user = await api("/_emu/users", {
    id: person.id,
    first_name: person.first_name,
    language_code: person.language_code,
  });
  location.hash = `user=${user.id}`;
  openChat(user);
}

function openChat(user) {
  state.poll?.abort();
  Object.assign(state, { user, seq: 0, rows: new Map(), lastDay: null, poll: new AbortController() });
  const empty = document.createElement("p");
  empty.id = "chat-empty";
  empty.className = "chat-empty";
  empty.textContent = t("empty");
  $("messages").replaceChildren(empty);
  $("reply-keyboard").hidden = true;
  $("command-menu").hidden = true;
  $("picker").hidden = true;
  $("chat").hidden = false;
  $("people-button").hidden = false;
  // Like Telegram, the header names the bot; who *you* are sits under it, for the two-tab case.
  $("chat-title").textContent = state.info.bot.first_name;
  const you = document.createElement("span");
  you.textContent = t("you", { name: user.first_name });
  $("chat-sub").replaceChildren(you, ...identityBadges(user, state.info.moderator_id));
  poll(user.id, state.poll.signal);
  $("composer-text").focus();
}

async function route() {
  const match = /user=(\d+)/.exec(location.hash);
  const id = match && Number(match[1]);
  if (id && state.user?.id === id) return;
  const { users } = await api("/_emu/users");
  const known = users.find((u) => u.id === id) || state.info.presets.find((p) => p.id === id);
  if (known) await pick(known);
  else await openPicker();
}

function bind() {
  $("composer").addEventListener("submit", (event) => {
    event.preventDefault();
    const input = $("composer-text");
    send(input.value);
    input.value = "";
  });
  $("fast-forward").addEventListener("click", fastForward);
  $("attach").addEventListener("change", () => attach($("attach")));
  $("menu-button").addEventListener("click", () => showCommands().catch((e) => toast(e.message)));
  $("people-button").addEventListener("click", () => (location.hash = ""));
  $("alert-ok").addEventListener("click", () => ($("alert").hidden = true));
  $("ui-language").addEventListener("click", () => {
    setUiLanguage(uiLanguage() === "uk" ? "en" : "uk");
    $("ui-language").textContent = uiLanguage() === "uk" ? "EN" : "УКР";
    if (state.user) openChat(state.user);
    else openPicker();
  });
  bindNewPerson(pick);
  window.addEventListener("hashchange", () => route().catch((e) => toast(e.message)));
}

async function main() {
  applyWords();
  $("ui-language").textContent = uiLanguage() === "uk" ? "EN" : "УКР";
  state.info = await api("/_sandbox/info");
  setZone(state.info.timezone);
  bind();
  startClock($("bot-time"), state.info.timezone);
  await route();
  document.body.dataset.ready = "1"; // the browser tests wait for this
}

main().catch((error) => toast(error.message, 10000));
