// The bot's clock in the header: the server's offset applied to this browser's ticking time.

import { uiLanguage } from "./ui.js";

let offsetMs = 0;
let target = null;
let zone = undefined;

export async function syncClock() {
  const response = await fetch("/_sandbox/clock");
  const data = await response.json();
  offsetMs = Date.parse(data.now) - Date.now();
  render();
}

function render() {
  if (!target) return;
  const options = {
    weekday: "short",
    day: "numeric",
    month: "short",
    hour: "2-digit",
    minute: "2-digit",
    timeZone: zone,
  };
  const moment = new Date(Date.now() + offsetMs);
  target.textContent = new Intl.DateTimeFormat(uiLanguage(), options).format(moment);
  target.dateTime = moment.toISOString();
}

export function startClock(element, timeZone) {
  target = element;
  zone = timeZone || undefined;
  syncClock().catch(() => {});
  setInterval(render, 1000);
  // Another tab may fast-forward too: pick up its jumps now and then.
  setInterval(() => syncClock().catch(() => {}), 10000);
}
