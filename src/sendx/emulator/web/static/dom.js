// Building the page from API values, as text only: every value goes in through
// textContent or one attribute at a time, never as HTML.

export function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name === "text") node.textContent = String(value);
    else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

export function text(value) {
  return value === null || value === undefined || value === "" ? "—" : String(value);
}

// A time as a person reads it (to the second, UTC); the exact value in its tooltip.
export function when(iso) {
  if (!iso) return "—";
  return el("time", { datetime: iso, title: iso, class: "nowrap" }, String(iso).replace("T", " ").replace(/\.\d+Z$/, "Z"));
}

export function short(value) {
  return el("span", { class: "nowrap" }, text(value));
}

export function link(href, label) {
  return el("a", { href }, text(label));
}

export function contactHref(team, email) {
  // "@" stays as it is, as in Emulator.page_url: the link reads as the address.
  const who = encodeURIComponent(email).replace(/%40/g, "@");
  return `#/contacts/${encodeURIComponent(team)}/${who}`;
}

export function messageHref(id) {
  return `#/messages/${encodeURIComponent(id)}`;
}

export function table(caption, headers, rows, empty) {
  if (!rows.length) return el("p", { class: "muted" }, empty);
  return el(
    "div",
    { class: "scroll" },
    el(
      "table",
      {},
      el("caption", { class: "skip" }, caption),
      el("thead", {}, el("tr", {}, headers.map((h) => el("th", { scope: "col" }, h)))),
      el("tbody", {}, rows.map((cells) => el("tr", {}, cells.map((c) => el("td", {}, c))))),
    ),
  );
}

export function dl(pairs) {
  return el("dl", {}, pairs.map(([k, v]) => [el("dt", {}, k), el("dd", {}, v instanceof Node ? v : text(v))]));
}

export function chips(values) {
  return values && values.length ? values.map((v) => el("span", { class: "chip" }, v)) : "—";
}

export function address(a) {
  if (!a) return "—";
  return a.name ? `${a.name} <${a.email}>` : a.email;
}

export function messageState(events) {
  return events && events.length ? events.map((e) => e.type).join(", ") : "sent";
}


export function view(title, ...parts) {
  const heading = el("h1", { tabindex: "-1" }, title);
  document.getElementById("main").replaceChildren(heading, ...parts);
  document.title = `${title} · sendx emulator`;
  return heading;
}

export function failure(box, error) {
  box.replaceChildren(el("p", { class: "error", role: "alert" }, error.message));
}

export function eventDetail(e) {
  const parts = [];
  if (e.tag) parts.push(`tag ${e.tag}`);
  if (e.field) parts.push(`${e.field} = ${e.value}`);
  if (e.previous_email) parts.push(`was ${e.previous_email}`);
  if (e.name) parts.push(e.name);
  return parts.join("; ") || "—";
}
