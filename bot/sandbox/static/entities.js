// Telegram text + entities -> DOM nodes, never parsed HTML: message content is data, not markup,
// so `<script>` or `<img onerror>` sent by anyone shows up as the characters it is.
// Offsets and lengths are UTF-16 code units, which is exactly how JS strings index.

const SAFE_SCHEMES = ["http:", "https:", "tg:"];

const TAGS = {
  bold: "strong",
  italic: "em",
  underline: "u",
  strikethrough: "s",
  code: "code",
  spoiler: "span",
  blockquote: "blockquote",
  expandable_blockquote: "blockquote",
  bot_command: "span",
  mention: "span",
  hashtag: "span",
  cashtag: "span",
  custom_emoji: "span",
};

export function safeHref(href) {
  try {
    const url = new URL(href);
    return SAFE_SCHEMES.includes(url.protocol) ? url.href : null;
  } catch {
    return null;
  }
}

function link(href) {
  const safe = safeHref(href);
  if (!safe) return document.createElement("span");
  const a = document.createElement("a");
  a.href = safe;
  a.target = "_blank";
  a.rel = "noopener noreferrer";
  return a;
}

function nodeFor(entity, slice, onCommand) {
  switch (entity.type) {
    case "text_link":
      return link(entity.url);
    case "url":
      return link(slice.includes("://") ? slice : `https://${slice}`);
    case "email": {
      const a = document.createElement("a");
      a.href = `mailto:${slice}`;
      return a;
    }
    case "pre": {
      const pre = document.createElement("pre");
      if (entity.language) pre.dataset.language = entity.language;
      return pre;
    }
    default: {
      const el = document.createElement(TAGS[entity.type] || "span");
      el.className = `e-${entity.type}`;
      if (entity.type === "spoiler") {
        el.title = "spoiler";
        el.addEventListener("click", () => el.classList.add("revealed"));
      }
      if (entity.type === "bot_command" && onCommand) {
        el.addEventListener("click", () => onCommand(slice));
      }
      return el;
    }
  }
}

// Entities from an HTML parse nest properly; sorting by start, longest first, gives parents
// before children. Anything overlapping a parent's end is clipped rather than trusted.
function build(parent, text, start, end, entities, onCommand) {
  let pos = start;
  let i = 0;
  while (i < entities.length) {
    const e = entities[i];
    const eStart = Math.max(e.offset, pos);
    const eEnd = Math.min(e.offset + e.length, end);
    let j = i + 1;
    while (j < entities.length && entities[j].offset < eEnd) j++;
    if (eStart < eEnd) {
      if (eStart > pos) parent.append(document.createTextNode(text.slice(pos, eStart)));
      const node = nodeFor(e, text.slice(eStart, eEnd), onCommand);
      build(node, text, eStart, eEnd, entities.slice(i + 1, j), onCommand);
      parent.append(node);
      pos = eEnd;
    }
    i = j;
  }
  if (end > pos) parent.append(document.createTextNode(text.slice(pos, end)));
}

export function renderText(text, entities, onCommand) {
  const root = document.createElement("div");
  root.className = "text";
  const sorted = [...(entities || [])]
    .filter((e) => Number.isInteger(e.offset) && Number.isInteger(e.length) && e.length > 0)
    .sort((a, b) => a.offset - b.offset || b.length - a.length);
  build(root, text || "", 0, (text || "").length, sorted, onCommand);
  return root;
}
