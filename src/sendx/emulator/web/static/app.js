// The emulator's page. Plain script, no build step, no dependency. Every value from the
// API goes into the page as text (textContent, attributes set one by one): never as
// HTML. A message's HTML is shown only inside an <iframe sandbox=""> (no script, no
// same origin). The page routes on the URL's fragment: #/, #/teams/T,
// #/contacts/T/EMAIL, #/messages/ID, #/events, #/deliveries, #/settings.
"use strict";

const API = "/_emulator";
const KINDS = ["open", "click", "bounce", "spam", "unsubscribe"];
const state = { team: "", teams: [], query: "", refresh: null, seq: 0 };

// -- building the page: text only ------------------------------------------------------

function el(tag, attrs, ...children) {
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

function text(value) {
  return value === null || value === undefined || value === "" ? "—" : String(value);
}

// A time as a person reads it (to the second, UTC); the exact value in its tooltip.
function when(iso) {
  if (!iso) return "—";
  return el("time", { datetime: iso, title: iso, class: "nowrap" }, String(iso).replace("T", " ").replace(/\.\d+Z$/, "Z"));
}

function short(value) {
  return el("span", { class: "nowrap" }, text(value));
}

function link(href, label) {
  return el("a", { href }, text(label));
}

function contactHref(team, email) {
  // "@" stays as it is, as in Emulator.page_url: the link reads as the address.
  const who = encodeURIComponent(email).replace(/%40/g, "@");
  return `#/contacts/${encodeURIComponent(team)}/${who}`;
}

function messageHref(id) {
  return `#/messages/${encodeURIComponent(id)}`;
}

function table(caption, headers, rows, empty) {
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

function dl(pairs) {
  return el("dl", {}, pairs.map(([k, v]) => [el("dt", {}, k), el("dd", {}, v instanceof Node ? v : text(v))]));
}

function chips(values) {
  return values && values.length ? values.map((v) => el("span", { class: "chip" }, v)) : "—";
}

function address(a) {
  if (!a) return "—";
  return a.name ? `${a.name} <${a.email}>` : a.email;
}

function messageState(events) {
  return events && events.length ? events.map((e) => e.type).join(", ") : "sent";
}

// -- talking to the control plane -------------------------------------------------------

async function call(method, path, body) {
  const init = { method, headers: {} };
  if (method !== "GET") {
    init.headers["Content-Type"] = "application/json";
    init.body = body === undefined ? "" : JSON.stringify(body);
  }
  const response = await fetch(API + path, init);
  let data = null;
  try {
    data = await response.json();
  } catch (_) {
    data = { message: `HTTP ${response.status}` };
  }
  if (!response.ok) {
    const error = new Error((data && data.message) || `HTTP ${response.status}`);
    error.status = response.status;
    throw error;
  }
  return data;
}

function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v) q.set(k, v);
  const s = q.toString();
  return s ? `?${s}` : "";
}

// -- the team selector ------------------------------------------------------------------

function setTeams(teams) {
  const select = document.getElementById("team");
  const known = JSON.stringify(teams);
  if (known === JSON.stringify(state.teams) && select.value === state.team) return;
  state.teams = teams;
  const options = [el("option", { value: "" }, "All teams")];
  for (const t of teams) options.push(el("option", { value: t }, t));
  if (state.team && !teams.includes(state.team)) options.push(el("option", { value: state.team }, state.team));
  select.replaceChildren(...options);
  select.value = state.team;
}

function onTeamChange(event) {
  state.team = event.target.value;
  const route = parseRoute();
  if (route.name === "home" || route.name === "contact" || route.name === "message") {
    location.hash = state.team ? `#/teams/${encodeURIComponent(state.team)}` : "#/";
  } else {
    render();
  }
}

// -- views ------------------------------------------------------------------------------

function view(title, ...parts) {
  const heading = el("h1", { tabindex: "-1" }, title);
  document.getElementById("main").replaceChildren(heading, ...parts);
  document.title = `${title} · sendx emulator`;
  return heading;
}

function failure(box, error) {
  box.replaceChildren(el("p", { class: "error", role: "alert" }, error.message));
}

async function home() {
  const contacts = el("div", { id: "contacts" });
  const messages = el("div", { id: "messages" });
  const search = el("input", {
    id: "search",
    type: "search",
    maxlength: "200",
    placeholder: "email or name",
    value: state.query,
    "aria-controls": "contacts",
  });
  let timer = null;
  search.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      state.query = search.value.trim();
      refresh();
    }, 150);
  });
  view(
    state.team ? `Team ${state.team}` : "All teams",
    el(
      "form",
      { role: "search", onsubmit: (e) => e.preventDefault() },
      el("label", { for: "search" }, "Search contacts by email or name"),
      search,
    ),
    el(
      "div",
      { class: "grid" },
      el("section", { "aria-labelledby": "contacts-title" }, el("h2", { id: "contacts-title" }, "Latest contacts"), contacts),
      el("section", { "aria-labelledby": "messages-title" }, el("h2", { id: "messages-title" }, "Latest messages"), messages),
    ),
  );
  async function refresh() {
    let data;
    try {
      data = await call("GET", "/overview" + query({ team_id: state.team, q: state.query }));
    } catch (error) {
      failure(contacts, error);
      return;
    }
    setTeams(data.teams);
    const all = !state.team;
    contacts.replaceChildren(
      table(
        "Latest contacts",
        ["Email", "Name", "Tags", ...(all ? ["Team"] : []), "Updated"],
        data.contacts.map((c) => [
          link(contactHref(c.team_id, c.email), c.email),
          text([c.first_name, c.last_name].filter(Boolean).join(" ")),
          chips(c.tags),
          ...(all ? [short(c.team_id)] : []),
          when(c.updated),
        ]),
        state.query ? "No contact matches." : "No contacts yet.",
      ),
    );
    messages.replaceChildren(
      table(
        "Latest messages",
        ["Subject", "To", ...(all ? ["Team"] : []), "At", "State"],
        data.messages.map((m) => [
          link(messageHref(m.id), m.subject || "(no subject)"),
          address(m.to),
          ...(all ? [short(m.team_id)] : []),
          when(m.at),
          messageState(m.events),
        ]),
        "No messages yet.",
      ),
    );
  }
  return refresh;
}

async function contact(team, email) {
  const box = el("div");
  view(email, el("p", {}, "Team ", el("a", { href: `#/teams/${encodeURIComponent(team)}` }, team)), box);
  return async function refresh() {
    let data;
    try {
      data = await call("GET", "/timeline" + query({ team_id: team, email }));
    } catch (error) {
      failure(box, error);
      return;
    }
    const c = data.contact;
    const flags = Object.entries(c.flags).filter(([, on]) => on).map(([name]) => name);
    const timeline = [
      ...data.events.map((e) => ({ at: e.at, kind: "event", what: e.type, detail: eventDetail(e) })),
      ...data.messages.map((m) => ({ at: m.at, kind: "message", what: link(messageHref(m.id), m.subject || "(no subject)"), detail: messageState(m.events) })),
      ...data.deliveries.map((d) => ({ at: d.attempts.length ? d.attempts[0].at : "", kind: "webhook", what: `${d.event} → ${d.webhook}`, detail: `${d.state}, ${d.attempts.length} attempt(s)` })),
    ].sort((a, b) => String(b.at).localeCompare(String(a.at)));
    box.replaceChildren(
      el("h2", {}, "Contact"),
      dl([
        ["Email", c.email],
        ["Id", c.id],
        ["First name", c.first_name],
        ["Last name", c.last_name],
        ["Company", c.company],
        ["Birthday", c.birthday],
        ["Tags", el("span", {}, chips(c.tags))],
        ["Lists", el("span", {}, chips(c.lists))],
        ["Flags", el("span", {}, chips(flags))],
        ["LTV", String(c.ltv)],
        ["Created", c.created],
        ["Updated", c.updated],
      ]),
      el("h2", {}, "Custom fields"),
      table("Custom fields", ["Field", "Value"], Object.entries(c.custom_fields), "No custom fields."),
      el("h2", {}, "Timeline"),
      table("Timeline", ["At", "Kind", "What", "Detail"], timeline.map((t) => [when(t.at), t.kind, t.what, t.detail]), "Nothing yet."),
    );
  };
}

function eventDetail(e) {
  const parts = [];
  if (e.tag) parts.push(`tag ${e.tag}`);
  if (e.field) parts.push(`${e.field} = ${e.value}`);
  if (e.previous_email) parts.push(`was ${e.previous_email}`);
  if (e.name) parts.push(e.name);
  return parts.join("; ") || "—";
}

async function message(id) {
  const box = el("div");
  const status = el("p", { role: "status", "aria-live": "polite" });
  const url = el("input", { id: "click-url", type: "url", maxlength: "2048", value: "https://example.com/" });
  const buttons = KINDS.map((kind) =>
    el("button", { type: "button", "data-kind": kind, onclick: () => engage(kind) }, `Simulate ${kind}`),
  );
  async function engage(kind) {
    const body = kind === "click" ? { type: kind, url: url.value } : { type: kind };
    status.className = "";
    status.textContent = `Sending ${kind}…`;
    try {
      await call("POST", `/messages/${encodeURIComponent(id)}/events`, body);
      status.className = "ok";
      status.textContent = `Simulated ${kind}.`;
    } catch (error) {
      status.className = "error";
      status.textContent = error.message;
    }
    refresh();
  }
  view(
    "Message",
    el(
      "section",
      { "aria-labelledby": "engage-title" },
      el("h2", { id: "engage-title" }, "Simulate engagement"),
      el("div", { class: "buttons" }, el("span", {}, el("label", { for: "click-url" }, "Link to click "), url), buttons),
      status,
    ),
    box,
  );
  async function refresh() {
    let m;
    try {
      m = await call("GET", `/messages/${encodeURIComponent(id)}`);
    } catch (error) {
      failure(box, error);
      return;
    }
    const frame = el("iframe", { title: "The message's HTML (no script runs)", sandbox: "", referrerpolicy: "no-referrer" });
    frame.srcdoc = m.html || "";
    box.replaceChildren(
      el("h2", {}, "Headers"),
      dl([
        ["Subject", m.subject],
        ["From", address(m.from)],
        ["To", el("a", { href: m.contact_id ? contactHref(m.team_id, m.to.email) : null }, address(m.to))],
        ["Reply-To", address(m.reply_to)],
        ["Cc", m.cc.join(", ")],
        ["Bcc", m.bcc.join(", ")],
        ["Preheader", m.preheader],
        ["At", m.at],
        ["Team", m.team_id],
        ["Campaign", m.campaign_id],
        ["Template", m.template_id],
        ["Id", m.id],
        ...Object.entries(m.headers),
      ]),
      el("h2", {}, "State"),
      el("p", { id: "message-state" }, messageState(m.events)),
      table("Engagement events", ["At", "Event", "URL"], m.events.map((e) => [e.at, e.type, text(e.url)]), "No engagement yet."),
      el("h2", {}, "Text"),
      m.text ? el("pre", {}, m.text) : el("p", { class: "muted" }, "No text part."),
      el("h2", {}, "HTML"),
      m.html ? frame : el("p", { class: "muted" }, "No HTML part."),
    );
  }
  return refresh;
}

async function events() {
  const box = el("div");
  view(state.team ? `Events of ${state.team}` : "Events", box);
  return async function refresh() {
    try {
      const teams = state.team ? [state.team] : (await call("GET", "/overview?limit=1")).teams;
      const rows = [];
      for (const team of teams) {
        const data = await call("GET", "/events" + query({ team_id: team }));
        for (const e of data.events.slice(-500)) rows.push([team, e]);
      }
      rows.sort((a, b) => b[1].id - a[1].id);
      box.replaceChildren(
        table(
          "Events",
          ["Id", "At", "Team", "Type", "Contact", "Detail"],
          rows.map(([team, e]) => [String(e.id), when(e.at), short(team), e.type, link(contactHref(team, e.email), e.email), eventDetail(e)]),
          "No events yet.",
        ),
      );
    } catch (error) {
      failure(box, error);
    }
  };
}

async function deliveries() {
  const box = el("div");
  view("Webhook deliveries", box);
  return async function refresh() {
    let data;
    try {
      data = await call("GET", "/deliveries" + query({ team_id: state.team }));
    } catch (error) {
      failure(box, error);
      return;
    }
    const items = data.deliveries.slice().reverse();
    if (!items.length) {
      box.replaceChildren(el("p", { class: "muted" }, "No deliveries yet."));
      return;
    }
    const open = new Set([...box.querySelectorAll("details[open]")].map((d) => d.dataset.id));
    box.replaceChildren(
      ...items.map((d) =>
        el(
          "details",
          { "data-id": d.id, open: open.has(d.id) },
          el("summary", {}, `${d.event} → ${d.webhook}: ${d.state} (${d.attempts.length} attempt(s), team ${d.team_id})`),
          el("h2", {}, "Request"),
          dl([["Method", d.request.method], ["URL", d.request.url], ...Object.entries(d.request.headers)]),
          el("pre", {}, d.request.body),
          el("h2", {}, "Attempts"),
          table(
            "Attempts",
            ["#", "At", "Status", "Error", "Time (ms)", "Response"],
            d.attempts.map((a) => [String(a.attempt), a.at, text(a.status), text(a.error), String(a.duration_ms), a.response ? el("pre", {}, a.response) : "—"]),
            "Not attempted yet.",
          ),
        ),
      ),
    );
  };
}

function editor(name, title, load) {
  const id = `${name}-doc`;
  const errorId = `${name}-error`;
  const area = el("textarea", { id, spellcheck: "false", "aria-describedby": errorId });
  const error = el("p", { id: errorId, class: "error", role: "alert" });
  const saved = el("span", { role: "status", "aria-live": "polite", class: "ok" });
  async function save(event) {
    event.preventDefault();
    error.textContent = "";
    saved.textContent = "";
    area.removeAttribute("aria-invalid");
    let doc;
    try {
      doc = JSON.parse(area.value);
    } catch (e) {
      area.setAttribute("aria-invalid", "true");
      error.textContent = `Not valid JSON: ${e.message}`;
      return;
    }
    try {
      const answer = await call("PUT", `/${name}`, doc);
      area.value = JSON.stringify(answer, null, 2);
      saved.textContent = "Saved.";
    } catch (e) {
      area.setAttribute("aria-invalid", "true");
      error.textContent = e.message;
    }
  }
  const form = el(
    "form",
    { onsubmit: save, "aria-labelledby": `${name}-title` },
    el("h2", { id: `${name}-title` }, title),
    el("div", { class: "field" }, el("label", { for: id }, `The ${name} document (JSON)`), area, error),
    el("div", { class: "buttons" }, el("button", { type: "submit" }, `Save ${name}`), saved),
  );
  load.then((doc) => (area.value = JSON.stringify(doc, null, 2))).catch((e) => (error.textContent = e.message));
  return form;
}

async function settings() {
  view(
    "Faults and rules",
    el("p", { class: "muted" }, "Faults make the API fail on purpose; rules post webhooks on events. See docs/emulator.md."),
    editor("faults", "Faults", call("GET", "/faults")),
    editor("rules", "Rules", call("GET", "/rules")),
  );
  return null; // never refreshed under the user's typing
}

// -- routing and the live stream --------------------------------------------------------

function parseRoute() {
  const parts = location.hash.replace(/^#\/?/, "").split("/").map((p) => {
    try {
      return decodeURIComponent(p);
    } catch (_) {
      return p;
    }
  });
  const [head, a, b] = parts;
  if (head === "teams" && a) return { name: "home", team: a };
  if (head === "contacts" && a && b) return { name: "contact", team: a, email: b };
  if (head === "messages" && a) return { name: "message", id: a };
  if (head === "events") return { name: "events", team: a };
  if (head === "deliveries") return { name: "deliveries" };
  if (head === "settings") return { name: "settings" };
  return { name: "home", team: "" };
}

async function render() {
  const route = parseRoute();
  if (route.team !== undefined && route.name !== "events") state.team = route.team;
  if (route.name === "events" && route.team) state.team = route.team;
  document.getElementById("team").value = state.team;
  for (const a of document.querySelectorAll("nav a")) {
    const current = a.getAttribute("href").slice(2) === (route.name === "home" ? "" : route.name);
    if (current) a.setAttribute("aria-current", "page");
    else a.removeAttribute("aria-current");
  }
  const seq = ++state.seq;
  let refresh;
  if (route.name === "contact") refresh = await contact(route.team, route.email);
  else if (route.name === "message") refresh = await message(route.id);
  else if (route.name === "events") refresh = await events();
  else if (route.name === "deliveries") refresh = await deliveries();
  else if (route.name === "settings") refresh = await settings();
  else refresh = await home();
  if (seq !== state.seq) return;
  state.refresh = refresh;
  const heading = document.querySelector("main h1");
  if (heading && document.activeElement !== document.getElementById("team")) heading.focus({ preventScroll: true });
  if (refresh) await refresh();
  if (route.name !== "home" && state.teams.length === 0) loadTeams();
}

async function loadTeams() {
  try {
    setTeams((await call("GET", "/overview?limit=1")).teams);
  } catch (_) {
    /* shown by the view */
  }
}

// A refetch replaces what the view shows: the keyboard's place is found again in the
// new content (by id, link or button), so that live updates never lose it.
async function keepingFocus(refresh) {
  const before = document.activeElement;
  const key = before && before !== document.body
    ? [["id", before.id], ["href", before.getAttribute("href")], ["data-kind", before.dataset.kind]].find(([, v]) => v)
    : null;
  await refresh();
  if (!key || document.contains(before)) return;
  const again = [...document.querySelectorAll(`main [${key[0]}]`)].find((n) => n.getAttribute(key[0]) === key[1]);
  if (again) again.focus({ preventScroll: true });
}

// One stream while the page is open; the browser reconnects it after a break. Each
// change event (one per burst of API calls) makes the view fetch what it shows again.
function connect() {
  const live = document.getElementById("live");
  const source = new EventSource(API + "/stream");
  let busy = false;
  let again = false;
  // One refetch at a time: changes that arrive meanwhile make one more, not many.
  async function pump() {
    if (busy) {
      again = true;
      return;
    }
    busy = true;
    try {
      do {
        again = false;
        if (state.refresh) await keepingFocus(state.refresh);
      } while (again);
    } finally {
      busy = false;
    }
  }
  source.addEventListener("open", () => (live.textContent = "Live"));
  source.addEventListener("error", () => (live.textContent = "Reconnecting…"));
  source.addEventListener("change", () => {
    live.textContent = "Live";
    pump();
  });
  window.addEventListener("pagehide", () => source.close());
}

document.getElementById("team").addEventListener("change", onTeamChange);
// The skip link moves the focus; following it would change the route.
document.getElementById("skip").addEventListener("click", (event) => {
  event.preventDefault();
  document.getElementById("main").focus();
});
window.addEventListener("hashchange", render);
render();
connect();
