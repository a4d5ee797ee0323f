// The run model of assets/runner/model.js: what a demo shows, with the time given.
import assert from "node:assert/strict";
import { test } from "node:test";

import {
  WINDOW_LINES,
  addLine,
  addText,
  createModel,
  describeExit,
  finish,
  restore,
  runningText,
  snapshot,
  startLive,
  tick,
} from "../../assets/runner/model.js";

const RECORDED = [
  { stream: "stdout", text: "recorded one\n" },
  { stream: "stderr", text: "recorded two\n" },
];

function model(recorded = RECORDED) {
  return createModel({ index: 3, demoId: "gather", recorded, source: recorded.length ? "recorded" : "none" });
}

test("a new model shows its recording", () => {
  const view = snapshot(model());
  assert.equal(view.phase, "idle");
  assert.equal(view.source, "recorded");
  assert.equal(view.runId, 0);
  assert.deepEqual(view.lines, RECORDED);
  assert.equal(view.total, 2);
  assert.equal(view.hidden, 0);
});

test("a source other than 'recorded' is none", () => {
  assert.equal(createModel({ index: 0, demoId: "x", recorded: [], source: "bogus" }).source, "none");
});

test("starting a run puts the recording aside and counts from the click", () => {
  const m = model();
  startLive(m, 7, 1000);
  assert.equal(m.phase, "running");
  assert.equal(m.source, "live");
  assert.equal(m.runId, 7);
  assert.deepEqual(m.lines, []);
  assert.equal(m.total, 0);
  assert.deepEqual(m.timing, { clickAt: 1000 });
  tick(m, 3500);
  assert.equal(m.elapsedS, 2.5);
});

test("text that does not end a line is continued by the next text of its stream", () => {
  const m = model([]);
  startLive(m, 1, 0);
  addLine(m, "stdout", "It took ");
  addLine(m, "stdout", "1.0 s\n");
  assert.deepEqual(m.lines, [{ stream: "stdout", text: "It took 1.0 s\n" }]);
  assert.equal(m.total, 1);
});

test("an unfinished line is not continued by the other stream", () => {
  const m = model([]);
  startLive(m, 1, 0);
  addLine(m, "stdout", "half");
  addLine(m, "stderr", "error\n");
  assert.equal(m.total, 2);
  assert.deepEqual(m.lines.map((line) => line.stream), ["stdout", "stderr"]);
});

test("a huge line is cut with an ellipsis and keeps its line end", () => {
  const m = model([]);
  startLive(m, 1, 0);
  addLine(m, "stdout", "x".repeat(5000) + "\n");
  const [line] = m.lines;
  assert.ok(line.text.length < 2100);
  assert.ok(line.text.endsWith(" \u2026\n"));
});

test("a flood keeps at most twice the window and counts every line", () => {
  const m = model([]);
  startLive(m, 1, 0);
  for (let i = 0; i < 10000; i++) addLine(m, "stdout", `line ${i}\n`);
  assert.equal(m.total, 10000);
  assert.ok(m.lines.length <= 2 * WINDOW_LINES);
  const view = snapshot(m);
  assert.equal(view.lines.length, WINDOW_LINES);
  assert.equal(view.lines.at(-1).text, "line 9999\n");
  assert.equal(view.hidden, 10000 - WINDOW_LINES);
});

test("a snapshot is a copy: changing the model later leaves it as it was", () => {
  const m = model([]);
  startLive(m, 1, 0);
  addLine(m, "stdout", "a\n");
  const view = snapshot(m);
  addLine(m, "stdout", "b\n");
  m.timing.exitAt = 5;
  assert.equal(view.lines.length, 1);
  assert.equal(view.timing.exitAt, undefined);
});

test("restore gives the recording back with one line of status", () => {
  const m = model();
  startLive(m, 2, 0);
  addLine(m, "stdout", "live\n");
  restore(m, "Recorded: the database is unreachable", "recorded");
  const view = snapshot(m);
  assert.equal(view.phase, "idle");
  assert.equal(view.source, "recorded");
  assert.equal(view.runId, 0);
  assert.deepEqual(view.lines, RECORDED);
  assert.deepEqual(view.status, { text: "Recorded: the database is unreachable", kind: "recorded" });
});

test("restore without a recording shows nothing, and without text no status", () => {
  const m = model([]);
  startLive(m, 1, 0);
  restore(m);
  assert.equal(m.source, "none");
  assert.equal(m.status, null);
});

test("finish keeps the run's output and says how it ended", () => {
  const m = model();
  startLive(m, 1, 0);
  addLine(m, "stdout", "out\n");
  finish(m, "stopped", "info");
  assert.equal(m.phase, "done");
  assert.equal(m.source, "live");
  assert.deepEqual(m.status, { text: "stopped", kind: "info" });
});

test("the exit is described with its code, time and what cut it short", () => {
  assert.equal(describeExit({ code: 0, elapsed_s: 1.004 }), "exit 0 \u00b7 1.00 s");
  assert.equal(
    describeExit({ code: -9, elapsed_s: 30, timed_out: true, truncated: true }),
    "exit -9 \u00b7 30.00 s \u00b7 timed out \u00b7 output cut short"
  );
  assert.equal(runningText(2.345), "running \u00b7 2.3 s");
});

test("lines that came in one event are the lines that came one by one", () => {
  const parts = ["It took ", "1.0 s\n", "x".repeat(5000) + "\n", "\n", "\n", "half"];
  const oneByOne = model([]);
  startLive(oneByOne, 1, 0);
  addLine(oneByOne, "stdout", "before: ");
  for (const part of parts) addLine(oneByOne, "stdout", part);
  const framed = model([]);
  startLive(framed, 1, 0);
  addLine(framed, "stdout", "before: ");
  addText(framed, "stdout", parts.slice(0, 3).join(""));
  addText(framed, "stdout", parts.slice(3).join(""));
  assert.deepEqual(snapshot(framed), snapshot(oneByOne));
});

test("a frame of a million empty lines is counted whole and keeps only a window", () => {
  const m = model([]);
  startLive(m, 1, 0);
  addLine(m, "stdout", "first: ");
  addText(m, "stdout", "done\n" + "\n".repeat(1_000_000) + "last\n");
  assert.equal(m.total, 1_000_002);
  assert.ok(m.lines.length <= 2 * WINDOW_LINES);
  const view = snapshot(m);
  assert.equal(view.lines.at(-1).text, "last\n");
  assert.equal(view.lines.at(-2).text, "\n");
  assert.equal(view.hidden, 1_000_002 - WINDOW_LINES);
});
