// The event-stream parser of assets/runner/sse.js, fed as the network feeds it.
import assert from "node:assert/strict";
import { test } from "node:test";

import { eventParser, readEvents } from "../../assets/runner/sse.js";

function parse(...chunks) {
  const events = [];
  const feed = eventParser((name, data) => events.push([name, data]));
  chunks.forEach(feed);
  return events;
}

test("an event is its name and data, dispatched by a blank line", () => {
  assert.deepEqual(parse("event: stdout\ndata: hello\n\n"), [["stdout", "hello"]]);
});

test("nothing is dispatched before the blank line", () => {
  assert.deepEqual(parse("event: stdout\ndata: hello\n"), []);
});

test("an event without a name is a message", () => {
  assert.deepEqual(parse("data: x\n\n"), [["message", "x"]]);
});

test("data lines join with LF", () => {
  assert.deepEqual(parse("event: stdout\ndata: a\ndata: b\n\n"), [["stdout", "a\nb"]]);
});

test("CRLF, LF and CR all end a line", () => {
  assert.deepEqual(parse("data: a\r\n\r\ndata: b\n\ndata: c\r\rdata: d\n\n"), [
    ["message", "a"],
    ["message", "b"],
    ["message", "c"],
    ["message", "d"],
  ]);
});

test("a CR at a chunk's end waits: it may be half of a CRLF", () => {
  assert.deepEqual(parse("data: a\r", "\n\r", "\n"), [["message", "a"]]);
});

test("an event split anywhere across chunks arrives whole", () => {
  const text = "event: stderr\ndata: one two\n\nevent: exit\ndata: {\"code\": 0}\n\n";
  for (let at = 1; at < text.length; at++) {
    assert.deepEqual(parse(text.slice(0, at), text.slice(at)), [
      ["stderr", "one two"],
      ["exit", '{"code": 0}'],
    ]);
  }
});

test("comments and unknown fields are ignored; one space after the colon is dropped", () => {
  assert.deepEqual(parse(": keep-alive\nid: 7\nretry: 10\nevent:stdout\ndata:  two\n\n"), [
    ["stdout", " two"],
  ]);
});

test("a field without a colon has an empty value", () => {
  assert.deepEqual(parse("data\n\n"), [["message", ""]]);
});

test("the event name resets after each event", () => {
  assert.deepEqual(parse("event: stdout\ndata: a\n\ndata: b\n\n"), [
    ["stdout", "a"],
    ["message", "b"],
  ]);
});

test("a megabyte in one chunk is parsed, every event in order", () => {
  const count = 20000;
  const text = Array.from({ length: count }, (_, i) => `event: stdout\ndata: line ${i}\n\n`).join("");
  const events = parse(text);
  assert.equal(events.length, count);
  assert.deepEqual(events.at(-1), ["stdout", `line ${count - 1}`]);
});

function body(...chunks) {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      chunks.forEach((chunk) => controller.enqueue(typeof chunk === "string" ? encoder.encode(chunk) : chunk));
      controller.close();
    },
  });
}

test("readEvents reads a body to its end, a last event without its blank line included", async () => {
  const events = [];
  await readEvents(body("event: stdout\ndata: a\n\n", "event: exit\ndata: {}"), (n, d) => events.push([n, d]));
  assert.deepEqual(events, [
    ["stdout", "a"],
    ["exit", "{}"],
  ]);
});

test("readEvents decodes a character split between reads", async () => {
  const bytes = new TextEncoder().encode("data: caf\u00e9\n\n");
  const events = [];
  await readEvents(body(bytes.slice(0, 10), bytes.slice(10)), (n, d) => events.push(d));
  assert.deepEqual(events, ["caf\u00e9"]);
});

test("readEvents parses a large read in slices and loses nothing at their edges", async () => {
  const text = Array.from({ length: 5000 }, (_, i) => `event: stdout\ndata: ${"x".repeat(i % 50)}${i}\n\n`).join("");
  const events = [];
  await readEvents(body(text), (n, d) => events.push(d));
  assert.equal(events.length, 5000);
  events.forEach((data, i) => assert.equal(data, `${"x".repeat(i % 50)}${i}`));
});
