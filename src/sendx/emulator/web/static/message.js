// A captured message: its parts, its HTML in a frame that runs nothing, and buttons that
// simulate its recipient's engagement through the control plane.

import { call } from "./api.js";
import { address, contactHref, dl, el, failure, messageState, table, text, view } from "./dom.js";

const KINDS = ["open", "click", "bounce", "spam", "unsubscribe"];

export async function message(id) {
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
