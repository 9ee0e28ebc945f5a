// The page's own words, in Ukrainian and English (the bot's words come from its catalogues).
// Chosen once from the browser's language; the toggle remembers the choice in localStorage.

const WORDS = {
  en: {
    title: "Hromada Companion — sandbox",
    who: "Who are you in this chat?",
    intro:
      "This is the real bot running offline against a local Telegram emulator. " +
      "Pick a person or create one; open a second tab to be someone else at the same time.",
    presets: "Ready-made people",
    others: "People in this sandbox",
    create: "Create a person",
    name: "Name",
    namePlaceholder: "e.g. Oksana",
    language: "Telegram language",
    langUk: "Ukrainian (uk)",
    langEn: "English (en)",
    langOther: "Other (de)",
    start: "Start chatting",
    moderator: "moderator",
    you: "you are {name}",
    sandbox: "Sandbox",
    botTime: "Bot time",
    fastForward: "Fast-forward",
    ffTitle: "Jump the bot's clock to the next reminder, digest or scheduled message",
    message: "Message",
    send: "Send",
    attach: "Send a file (e.g. content YAML for a moderator)",
    menu: "Menu",
    people: "People",
    edited: "edited",
    download: "Download",
    jumped: "Jumped to {moment} ({reason}). Messages delivered: {sent}.",
    dueNow: "Sent what was already due. Messages delivered: {sent}.",
    nothing: "Nothing is scheduled.",
    reason_delivery: "scheduled message",
    reason_reminder: "reminder moment",
    reason_digest: "digest moment",
    offline: "The sandbox is not answering. Is `hromada sandbox` still running?",
    ok: "OK",
    noCommands: "The bot has not published commands yet.",
    empty: "Send /start to begin.",
  },
  uk: {
    title: "Hromada Companion — пісочниця",
    who: "Ким ви будете в цьому чаті?",
    intro:
      "Це справжній бот, що працює офлайн із локальним емулятором Telegram. " +
      "Оберіть людину або створіть нову; відкрийте другу вкладку, щоб одночасно бути кимось іншим.",
    presets: "Готові персонажі",
    others: "Люди в цій пісочниці",
    create: "Створити людину",
    name: "Ім’я",
    namePlaceholder: "наприклад, Оксана",
    language: "Мова Telegram",
    langUk: "Українська (uk)",
    langEn: "Англійська (en)",
    langOther: "Інша (de)",
    start: "Почати чат",
    moderator: "модератор",
    you: "ви — {name}",
    sandbox: "Пісочниця",
    botTime: "Час бота",
    fastForward: "Перемотати",
    ffTitle: "Перевести годинник бота до наступного нагадування, дайджесту чи запланованого повідомлення",
    message: "Повідомлення",
    send: "Надіслати",
    attach: "Надіслати файл (наприклад, YAML із контентом від модератора)",
    menu: "Меню",
    people: "Люди",
    edited: "змінено",
    download: "Завантажити",
    jumped: "Перемотано до {moment} ({reason}). Доставлено повідомлень: {sent}.",
    dueNow: "Надіслано те, що вже настав час надіслати. Доставлено повідомлень: {sent}.",
    nothing: "Нічого не заплановано.",
    reason_delivery: "заплановане повідомлення",
    reason_reminder: "час нагадування",
    reason_digest: "час дайджесту",
    offline: "Пісочниця не відповідає. Чи працює ще `hromada sandbox`?",
    ok: "Гаразд",
    noCommands: "Бот ще не опублікував команди.",
    empty: "Надішліть /start, щоб почати.",
  },
};

let lang = localStorage.getItem("sandbox.ui") || (navigator.language || "en").slice(0, 2);
if (!WORDS[lang]) lang = "en";

export function uiLanguage() {
  return lang;
}

export function setUiLanguage(value) {
  lang = WORDS[value] ? value : "en";
  localStorage.setItem("sandbox.ui", lang);
  applyWords();
}

export function t(key, values = {}) {
  const template = WORDS[lang][key] ?? WORDS.en[key] ?? key;
  return template.replace(/\{(\w+)\}/g, (_, name) => String(values[name] ?? ""));
}

// Static text carries data-t (textContent), data-t-placeholder or data-t-title attributes.
export function applyWords(root = document) {
  document.documentElement.lang = lang;
  document.title = t("title");
  for (const el of root.querySelectorAll("[data-t]")) el.textContent = t(el.dataset.t);
  for (const el of root.querySelectorAll("[data-t-placeholder]")) {
    el.placeholder = t(el.dataset.tPlaceholder);
  }
  for (const el of root.querySelectorAll("[data-t-title]")) el.title = t(el.dataset.tTitle);
}
