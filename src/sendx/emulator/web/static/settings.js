// The faults and rules documents, editable; a refusal shows next to its field.

import { call } from "./api.js";
import { el, view } from "./dom.js";

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

export async function settings() {
  view(
    "Faults and rules",
    el("p", { class: "muted" }, "Faults make the API fail on purpose; rules post webhooks on events. See docs/emulator.md."),
    editor("faults", "Faults", call("GET", "/faults")),
    editor("rules", "Rules", call("GET", "/rules")),
  );
  return null; // never refreshed under the user's typing
}
