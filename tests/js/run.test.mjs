// One run of assets/runner/run.js with a fake runner: every way a run ends.
import assert from "node:assert/strict";
import { test } from "node:test";

import { createModel, snapshot } from "../../assets/runner/model.js";
import { DECK_BUG, NO_RUNNER, run, stop } from "../../assets/runner/run.js";

const RECORDED = [{ stream: "stdout", text: "It took 1.0 s\n" }];

function model(recorded = RECORDED) {
  return createModel({ index: 0, demoId: "gather", recorded, source: recorded.length ? "recorded" : "none" });
}

/* The wire (docs/wire.md): one data line per line of the text, so a line end is an empty last one. */
function events(...items) {
  const data = (text) => text.split("\n").map((line) => `data: ${line}\n`).join("");
  return items.map(([name, text]) => `event: ${name}\n${data(text)}\n`).join("");
}

/* A response whose body the test writes to; a fetch that aborts it as a browser would. */
function fakeRunner({ status = 200, type = "text/event-stream", text = "", open = false } = {}) {
  const encoder = new TextEncoder();
  let stream;
  const body = new ReadableStream({
    start(controller) {
      stream = controller;
      if (text) controller.enqueue(encoder.encode(text));
      if (!open) controller.close();
    },
  });
  const calls = [];
  const fetch = (url, init) => {
    calls.push({ url, init });
    init.signal.addEventListener("abort", () => stream.error(new DOMException("aborted", "AbortError")));
    return Promise.resolve(new Response(status === 204 ? null : body, { status, headers: { "content-type": type } }));
  };
  return { fetch, calls, write: (t) => stream.enqueue(encoder.encode(t)), fail: (error) => stream.error(error) };
}

function env(runner, overrides = {}) {
  let clock = 0;
  const draws = [];
  return {
    request: { url: "api/demos/gather/run", init: { method: "POST" } },
    served: true,
    needsDatabase: false,
    database: { knownDown: () => false, downNow: async () => false },
    fetch: runner.fetch,
    now: () => (clock += 10),
    changed: () => {},
    drawNow: () => draws.push("now"),
    draws,
    ...overrides,
  };
}

test("a run streams its output and ends with its exit", async () => {
  const runner = fakeRunner({
    text: events(["stdout", "It took "], ["stdout", "1.0 s\n"], ["exit", '{"code": 0, "elapsed_s": 1.02}']),
  });
  const m = model();
  const e = env(runner);
  await run(m, e);
  const view = snapshot(m);
  assert.equal(view.phase, "done");
  assert.equal(view.source, "live");
  assert.deepEqual(view.lines, [{ stream: "stdout", text: "It took 1.0 s\n" }]);
  assert.deepEqual(view.status, { text: "exit 0 \u00b7 1.02 s", kind: "ok" });
  assert.equal(runner.calls[0].url, "api/demos/gather/run");
  assert.equal(runner.calls[0].init.method, "POST");
  assert.ok(view.timing.clickAt < view.timing.firstOutputAt);
  assert.ok(view.timing.firstOutputAt < view.timing.exitAt);
  assert.ok(e.draws.length >= 2, "drawn at once on the click and at the end");
});

test("a failing demo ends in error with its code", async () => {
  const m = model();
  await run(m, env(fakeRunner({ text: events(["stderr", "boom\n"], ["exit", '{"code": 1, "elapsed_s": 0.1}']) })));
  assert.deepEqual(m.status, { text: "exit 1 \u00b7 0.10 s", kind: "error" });
  assert.equal(m.lines[0].stream, "stderr");
});

test("a stream that closes before the exit says so", async () => {
  const m = model();
  await run(m, env(fakeRunner({ text: events(["stdout", "half\n"]) })));
  assert.equal(m.phase, "done");
  assert.deepEqual(m.status, { text: "the runner closed the stream before the demo ended", kind: "error" });
});

test("from a page with no runner (file://) the recording stays and Run says so", async () => {
  const runner = fakeRunner();
  const m = model();
  await run(m, env(runner, { served: false }));
  assert.equal(runner.calls.length, 0);
  assert.equal(m.source, "recorded");
  assert.deepEqual(m.status, { text: NO_RUNNER, kind: "error" });
});

test("a static host's error page means no runner", async () => {
  const m = model();
  await run(m, env(fakeRunner({ status: 405, type: "text/html", text: "<h1>405</h1>" })));
  assert.equal(m.source, "recorded");
  assert.deepEqual(m.status, { text: NO_RUNNER, kind: "error" });
});

test("the runner's own refusal is shown as it says it", async () => {
  const m = model();
  const detail = JSON.stringify({ detail: "three demos are running already" });
  await run(m, env(fakeRunner({ status: 429, type: "application/json", text: detail })));
  assert.deepEqual(m.status, { text: "three demos are running already", kind: "error" });
  assert.equal(m.phase, "idle");
});

test("a database demo keeps its recording when the health poll knows the database is down", async () => {
  const runner = fakeRunner();
  const m = model();
  await run(m, env(runner, { needsDatabase: true, database: { knownDown: () => true, downNow: async () => true } }));
  assert.equal(runner.calls.length, 0);
  assert.deepEqual(m.status, { text: "Recorded: the database is unreachable", kind: "recorded" });
});

test("a database demo that fails because the database went down gives the recording back", async () => {
  const m = model([]);
  const text = events(["stderr", "Can't connect\n"], ["exit", '{"code": 1, "elapsed_s": 0.2}']);
  await run(m, env(fakeRunner({ text }), { needsDatabase: true, database: { knownDown: () => false, downNow: async () => true } }));
  assert.equal(m.source, "none");
  assert.deepEqual(m.status, { text: "Not run: the database is unreachable", kind: "error" });
});

test("Stop before any output puts the recording back as if never run", async () => {
  const runner = fakeRunner({ open: true });
  const m = model();
  const running = run(m, env(runner));
  await new Promise((resolve) => setTimeout(resolve, 5));
  assert.equal(m.phase, "running");
  stop(m);
  await running;
  assert.equal(m.phase, "idle");
  assert.equal(m.source, "recorded");
  assert.equal(m.status, null);
  assert.equal(m.controller, null);
});

test("Stop after some output keeps it and says stopped", async () => {
  const runner = fakeRunner({ open: true, text: events(["stdout", "first\n"]) });
  const m = model();
  const running = run(m, env(runner));
  await new Promise((resolve) => setTimeout(resolve, 5));
  stop(m);
  await running;
  assert.equal(m.phase, "done");
  assert.deepEqual(m.lines, [{ stream: "stdout", text: "first\n" }]);
  assert.deepEqual(m.status, { text: "stopped", kind: "info" });
});

test("a network failure that is not a Stop means no runner", async () => {
  const m = model();
  await run(m, env(fakeRunner(), { fetch: () => Promise.reject(new TypeError("Failed to fetch")) }));
  assert.deepEqual(m.status, { text: NO_RUNNER, kind: "error" });
});

test("a bug in the deck while output arrives is reported as a bug, not as a missing runner", async () => {
  const m = model();
  const runner = fakeRunner({ text: events(["stdout", "first\n"], ["exit", '{"code": 0, "elapsed_s": 0.1}']) });
  const logged = [];
  const original = console.error;
  console.error = (error) => logged.push(error);
  try {
    await run(m, env(runner, { changed: () => { throw new TypeError("draw is not a function"); } }));
  } finally {
    console.error = original;
  }
  assert.equal(m.phase, "done");
  assert.deepEqual(m.status, { text: `${DECK_BUG} TypeError: draw is not a function`, kind: "error" });
  assert.equal(logged.length, 1);
  assert.ok(logged[0] instanceof TypeError);
});

test("a connection that breaks while the output streams means no runner", async () => {
  const runner = fakeRunner({ open: true, text: events(["stdout", "first\n"]) });
  const m = model();
  const running = run(m, env(runner));
  await new Promise((resolve) => setTimeout(resolve, 5));
  runner.fail(new TypeError("network error"));
  await running;
  assert.equal(m.source, "recorded");
  assert.deepEqual(m.status, { text: NO_RUNNER, kind: "error" });
});

test("a bug in the deck after the stream has ended is reported as a bug, not as a missing runner", async () => {
  const m = model();
  const text = events(["stderr", "boom\n"], ["exit", '{"code": 1, "elapsed_s": 0.1}']);
  const database = { knownDown: () => false, downNow: async () => null.reachable };
  const logged = [];
  const original = console.error;
  console.error = (error) => logged.push(error);
  try {
    await run(m, env(fakeRunner({ text }), { needsDatabase: true, database }));
  } finally {
    console.error = original;
  }
  assert.equal(m.status.kind, "error");
  assert.ok(m.status.text.startsWith(`${DECK_BUG} TypeError`), m.status.text);
  assert.equal(logged.length, 1);
  assert.ok(logged[0] instanceof TypeError);
});

test("a second Run while one is going does nothing; each run gets a new id", async () => {
  const runner = fakeRunner({ open: true });
  const m = model();
  const first = run(m, env(runner));
  await run(m, env(runner));
  assert.equal(runner.calls.length, 1);
  const id = m.runId;
  stop(m);
  await first;
  await run(m, env(fakeRunner({ text: events(["exit", '{"code": 0, "elapsed_s": 0}']) })));
  assert.ok(m.runId > id);
});

test("the seconds are counted while the demo runs", async () => {
  const runner = fakeRunner({ open: true });
  const m = model();
  let changes = 0;
  const running = run(m, env(runner, { changed: () => (changes += 1) }));
  await new Promise((resolve) => setTimeout(resolve, 250));
  assert.ok(m.elapsedS > 0);
  assert.ok(changes >= 1);
  stop(m);
  await running;
});

test("an edited run's request is sent as given, with the run's signal", async () => {
  const runner = fakeRunner({ text: events(["exit", '{"code": 0, "elapsed_s": 0}']) });
  const request = { url: "api/demos/gather/edited-run", init: { method: "POST", body: '{"code":"x"}' } };
  await run(model(), env(runner, { request }));
  assert.equal(runner.calls[0].url, "api/demos/gather/edited-run");
  assert.equal(runner.calls[0].init.body, '{"code":"x"}');
  assert.ok(runner.calls[0].init.signal instanceof AbortSignal);
});
