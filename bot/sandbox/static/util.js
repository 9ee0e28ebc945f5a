// Small shared helpers: element lookup, the JSON API, and the two kinds of notice.

export const $ = (id) => document.getElementById(id);

// What the page knows: the sandbox info, who "you" are, the feed cursor, rows by message id.
export const state = { info: null, user: null, seq: 0, rows: new Map(), lastDay: null, poll: null };

export async function api(path, body) {
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

export function alertBox(text) {
  $("alert-text").textContent = text;
  $("alert").hidden = false;
  $("alert-ok").focus();
}
