// The emulator's page. Plain script, no build step, no dependency. Every value from the
// API goes into the page as text (textContent, attributes set one by one): never as
// HTML. A message's HTML is shown only inside an <iframe sandbox=""> (no script, no
// same origin). The page routes on the URL's fragment: #/, #/teams/T,
// #/contacts/T/EMAIL, #/messages/ID, #/events, #/deliveries, #/settings. This module
// routes, keeps the team selector and the live stream; the others build the views.

import { API, call } from "./api.js";
import { message } from "./message.js";
import { settings } from "./settings.js";
import { setTeams, state } from "./teams.js";
import { contact, deliveries, events, home } from "./views.js";

function onTeamChange(event) {
  state.team = event.target.value;
  const route = parseRoute();
  if (route.name === "home" || route.name === "contact" || route.name === "message") {
    location.hash = state.team ? `#/teams/${encodeURIComponent(state.team)}` : "#/";
  } else {
    render();
  }
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
