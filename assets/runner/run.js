/* One run of a demo: the request, its event stream, how it ends. On Run the
   recording is put aside at once and the status counts the seconds; the end
   shows exit status and time. A run that never got going (Stop before any
   output, no runner, the database down) gives the recording back with one line
   saying why. Whatever it touches outside the model comes in `env`, so a test
   gives it a fake fetch and clock.

   Only the network's failures (the fetch, or a read of its stream) mean there is
   no runner; anything else thrown during a run is a bug in the deck, logged to
   the console and named as one on the slide. */

import { addText, describeExit, finish, restore, startLive, tick } from "./model.js";
import { readEvents, StreamFailed } from "./sse.js";

export const NO_RUNNER = "No runner here: start one with `talk serve`";
export const DECK_BUG = "A bug in the deck, not the demo (the browser's console has it):";

/* The fetch itself failed: no server answered, or Stop aborted it. */
class FetchFailed extends Error {}
const DATABASE_DOWN = "Recorded: the database is unreachable";
const NOT_RUN_DATABASE_DOWN = "Not run: the database is unreachable";
const TICK_MS = 100;

let runCount = 0;

function keepRecording(model) {
  const recorded = model.recorded.length > 0;
  restore(model, recorded ? DATABASE_DOWN : NOT_RUN_DATABASE_DOWN, recorded ? "recorded" : "error");
}

/* Our runner answers errors in JSON; anything else (a static host's 404 or 405
   page) means there is no runner behind this page. */
async function problem(response) {
  const type = response.headers.get("content-type") || "";
  if (!type.startsWith("application/json")) return null;
  try {
    return (await response.json()).detail || null;
  } catch {
    return null;
  }
}

async function readStream(model, body, { now, changed }) {
  let exit = null;
  await readEvents(body, (name, data) => {
    if (name === "stdout" || name === "stderr") {
      if (!model.timing.firstOutputAt) model.timing.firstOutputAt = now();
      addText(model, name, data);
      changed();
    } else if (name === "exit") {
      model.timing.exitAt = now();
      exit = JSON.parse(data);
    }
  });
  return exit;
}

/* Run the demo of `model`; resolves when the run has ended.
   env: {
     request: { url, init },   what to fetch (a POST; edited code has its own)
     served: boolean,          false from file://: there is no runner to ask
     needsDatabase: boolean,
     database: { knownDown(), downNow() },  the health poll's word, and a fresh ask
     fetch, now,               the network and the clock (ms)
     changed(), drawNow(),     draw soon, or at once (a click shows its effect at once)
   } */
export async function run(model, env) {
  if (model.controller) return;
  if (!env.served) {
    restore(model, NO_RUNNER, "error");
    env.drawNow();
    return;
  }
  // The health poll already knows the database is down: the recording stays.
  if (env.needsDatabase && env.database.knownDown()) {
    keepRecording(model);
    env.drawNow();
    return;
  }
  const controller = new AbortController();
  model.controller = controller;
  runCount += 1;
  startLive(model, runCount, env.now());
  env.drawNow();
  const ticker = setInterval(() => {
    if (model.phase !== "running") return;
    tick(model, env.now());
    env.changed();
  }, TICK_MS);
  try {
    const init = { ...env.request.init, signal: controller.signal };
    const response = await env.fetch(env.request.url, init).catch((error) => {
      throw new FetchFailed(String(error), { cause: error });
    });
    if (!response.ok || !response.body) {
      restore(model, (await problem(response)) || NO_RUNNER, "error");
      return;
    }
    const exit = await readStream(model, response.body, env);
    model.exit = exit;
    if (!exit) finish(model, "the runner closed the stream before the demo ended", "error");
    else if (exit.code !== 0 && env.needsDatabase && (await env.database.downNow())) {
      keepRecording(model);
    } else finish(model, describeExit(exit), exit.code === 0 ? "ok" : "error");
  } catch (error) {
    if (!(error instanceof FetchFailed || error instanceof StreamFailed)) {
      console.error(error);
      finish(model, `${DECK_BUG} ${error}`, "error");
    } else if (!controller.signal.aborted) restore(model, NO_RUNNER, "error");
    // Stopped before anything came: as if never run, the recording back in place.
    else if (model.total === 0 && model.recorded.length) restore(model);
    else finish(model, "stopped", "info");
  } finally {
    clearInterval(ticker);
    model.controller = null;
    if (model.phase === "running") model.phase = "done";
    env.drawNow();
    model.timing.drawnAt = env.now();
  }
}

/* Aborting the fetch closes the connection; the runner then stops the demo. */
export function stop(model) {
  if (model.controller) model.controller.abort();
}
