// The sandbox page: pick a person, chat with the bot through the emulator's control API,
// follow its replies by long-polling /_emu/messages, and fast-forward the bot's clock.

import { attach, fastForward, send, showCommands } from "./actions.js";
import { setZone } from "./chat.js";
import { startClock } from "./clock.js";
import { poll } from "./feed.js";
import { bindNewPerson, identityBadges, showPeople } from "./people.js";
import { applyWords, setUiLanguage, t, uiLanguage } from "./ui.js";
import { $, api, state, toast } from "./util.js";

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
