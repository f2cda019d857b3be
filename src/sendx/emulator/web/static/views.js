// The views that list what the app did: home, a contact, events, webhook deliveries.
// Each builds its frame and returns its refresh, which fetches and fills it again.

import { call, query } from "./api.js";
import { address, chips, contactHref, dl, eventDetail, el, failure, link, messageHref, messageState, short, table, text, view, when } from "./dom.js";
import { setTeams, state } from "./teams.js";

export async function home() {
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

export async function contact(team, email) {
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

export async function events() {
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

export async function deliveries() {
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
