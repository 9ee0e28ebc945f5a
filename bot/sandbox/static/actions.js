// What a person can do in the chat: type, press, attach a file, open the menu, fast-forward.

import { syncClock } from "./clock.js";
import { safeHref } from "./entities.js";
import { t, uiLanguage } from "./ui.js";
import { $, api, state, toast } from "./util.js";

export async function send(text) {
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

export async function attach(input) {
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

export async function press(messageId, spec, node) {
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

export async function fastForward() {
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

export async function showCommands() {
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
