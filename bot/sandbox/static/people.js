// The "who are you" screen: ready-made people, everyone already in the sandbox, a new person.

import { t } from "./ui.js";

const $ = (id) => document.getElementById(id);

function badge(text, className = "badge") {
  const span = document.createElement("span");
  span.className = className;
  span.textContent = text;
  return span;
}

export function identityBadges(user, moderatorId) {
  const badges = [badge((user.language_code || "—").toUpperCase(), "badge lang")];
  if (user.id === moderatorId) badges.push(badge(t("moderator"), "badge mod"));
  return badges;
}

function personItem(user, moderatorId, onPick) {
  const item = document.createElement("li");
  const pick = document.createElement("button");
  pick.type = "button";
  pick.className = "person";
  pick.dataset.userId = user.id;
  const avatar = badge((user.first_name || "?").slice(0, 1).toUpperCase(), "avatar");
  const name = badge(user.first_name || String(user.id), "person-name");
  const id = badge(`id ${user.id}`, "person-id");
  pick.append(avatar, name, ...identityBadges(user, moderatorId), id);
  pick.addEventListener("click", () => onPick(user));
  item.append(pick);
  return item;
}

export function showPeople(info, users, onPick) {
  const presetIds = new Set(info.presets.map((p) => p.id));
  const known = new Map(users.map((u) => [u.id, u]));
  const presets = info.presets.map((p) => ({ ...p, ...(known.get(p.id) || {}) }));
  $("presets").replaceChildren(...presets.map((u) => personItem(u, info.moderator_id, onPick)));
  const others = users.filter((u) => !presetIds.has(u.id));
  $("others").replaceChildren(...others.map((u) => personItem(u, info.moderator_id, onPick)));
  $("others-heading").hidden = others.length === 0;
}

export function bindNewPerson(onPick) {
  $("new-person").addEventListener("submit", (event) => {
    event.preventDefault();
    const name = $("new-name").value.trim();
    if (!name) return;
    // Ids far from the presets and from real-looking Telegram ids of the seed content.
    const id = 500_000_000 + Math.floor(Math.random() * 400_000_000);
    onPick({ id, first_name: name, language_code: $("new-language").value });
    $("new-name").value = "";
  });
}
