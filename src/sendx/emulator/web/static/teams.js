// What the page is looking at, and the team selector that narrows it.

import { el } from "./dom.js";

export const state = { team: "", teams: [], query: "", refresh: null, seq: 0 };

export function setTeams(teams) {
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
