/* The runner's health (GET api/health): a small fixed badge that says whether
   there is a runner and whether the demos can reach the database, and what
   the last answer said, for a run to ask before it starts. */

import { element } from "./render.js";
import { NO_RUNNER } from "./run.js";

const HEALTH_EVERY_MS = 3000;

let lastHealth = null;

function databaseDownIn(health) {
  return Boolean(health && health.database && health.database.reachable === false);
}

/* What a run asks: the poll's last word, or a fresh one (after a failed run). */
export const database = {
  knownDown: () => databaseDownIn(lastHealth),
  async downNow() {
    try {
      const response = await fetch("api/health", { cache: "no-store" });
      if (response.ok) lastHealth = await response.json();
    } catch {
      return false;
    }
    return databaseDownIn(lastHealth);
  },
};

/* The badge, polled every few seconds where a runner may be (served over HTTP). */
export function addIndicator(served) {
  const badge = element("div", "runner-indicator");
  badge.setAttribute("aria-live", "polite");
  const runner = element("span", "runner-state", "runner");
  const db = element("span", "database-state", "database");
  badge.append(runner, db);
  document.body.appendChild(badge);

  function show(runnerUp, health) {
    runner.dataset.up = String(runnerUp);
    runner.title = runnerUp ? "runner: ok" : NO_RUNNER;
    const state = health && health.database;
    db.dataset.up = state ? String(state.reachable) : "unknown";
    // Name the embedded fallback, so nobody mistakes it for the server.
    db.textContent = state && state.backend === "sqlite" ? "database: SQLite" : "database";
    db.title = !state ? "database: unknown without a runner"
      : state.fallback ? "SQLite, the embedded fallback, because " + state.fallback +
        "; `docker compose up -d mysql` starts MySQL"
      : state.url + (state.reachable ? ": reachable" : ": " + (state.error || "unreachable"));
  }

  /* Only the fetch and its answer are tried: a bug in drawing the badge is
     thrown (the console has it), not shown as "no runner". */
  async function poll() {
    let health = null;
    try {
      const response = await fetch("api/health", { cache: "no-store" });
      if (response.ok) health = await response.json();
    } catch {
      // no runner answered, or not with JSON
    }
    lastHealth = health;
    show(Boolean(health && health.runner === "ok"), health);
  }

  show(false, null);
  if (!served) return;
  poll();
  setInterval(poll, HEALTH_EVERY_MS);
}
