// The chat feed: long-poll /_emu/messages for this person's chat and draw every event.

import { press, send } from "./actions.js";
import { dayChip, dayKey, eventSeconds, messageRow, updateRow } from "./chat.js";
import { safeHref } from "./entities.js";
import { t } from "./ui.js";
import { $, alertBox, state, toast } from "./util.js";

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

export async function poll(userId, signal) {
  while (!signal.aborted) {
    try {
      const query = `chat_id=${userId}&after=${state.seq}&wait=25`;
      const response = await fetch(`/_emu/messages?${query}`, { signal });
      const data = await response.json();
      // A restarted sandbox starts its event log from zero: this page's chat is gone with it.
      if (data.seq < state.seq) return location.reload();
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
