/* Drawing a run into its demo: the same for the main deck and a speaker-view
   mirror. Output is drawn once per animation frame, and only the last
   WINDOW_LINES lines stay in the page: a flood of 10,000 lines must not freeze
   the deck or its Stop button.

   The contract with the deck's template: a demo is
   <div class="demo" data-demo-id="ID" data-needs-database="true|false">, holding
   .demo-code, then .demo-output > pre.demo-stream with span.stdout/span.stderr,
   then .demo-aside (the Run button, how the run ended, the recording's date).
   A stdout line that starts with one of the demo's data-headlines is its result:
   span.demo-headline, emphasised by deck.css. */

import { WINDOW_LINES, endsLine, runningText } from "./model.js";

const WINDOW_CHARS = 20000; // and at most this much text: long lines wrap, and cost more
const FRAME_MS = 16;
const FRAME_FALLBACK_MS = 100; // when animation frames stop (a hidden window), draw anyway

export function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/* The starts of the lines the demo marks as its result (`# headline:` in its source). */
function headlinesOf(demo) {
  try {
    return JSON.parse(demo.dataset.headlines || "[]");
  } catch {
    return [];
  }
}

function lineElement(line, headlines) {
  const span = element("span", line.stream, line.text);
  if (line.stream === "stdout" && headlines.some((start) => line.text.startsWith(start))) {
    span.classList.add("demo-headline");
  }
  return span;
}

/* The lines built into the page: a demo's recorded output. */
export function recordedLines(demo) {
  const spans = demo.querySelectorAll(".demo-output .demo-stream span");
  return Array.from(spans, (span) => ({
    stream: span.classList.contains("stderr") ? "stderr" : "stdout",
    text: span.textContent,
  }));
}

function parts(demo) {
  const output = demo.querySelector(".demo-output");
  let stream = output.querySelector(".demo-stream");
  if (!stream) {
    stream = element("pre", "demo-stream");
    stream.setAttribute("role", "log");
    stream.setAttribute("aria-live", "polite");
    stream.setAttribute("aria-label", "Output");
    output.insertBefore(stream, output.firstChild);
  }
  let hidden = output.querySelector(".demo-hidden");
  if (!hidden) {
    hidden = element("p", "demo-hidden");
    hidden.hidden = true;
    output.insertBefore(hidden, stream);
  }
  return {
    output,
    stream,
    hidden,
    aside: demo.querySelector(".demo-aside") || output,
    note: demo.querySelector(".demo-recorded-note"),
    button: demo.querySelector(".demo-run"),
  };
}

/* A line of its own in the demo's aside, under Run: .demo-progress while running,
   .demo-status for how it ended; one at a time, in the same place and size. */
function setLine(aside, className, status) {
  let line = aside.querySelector("." + className);
  if (!status) {
    if (line) line.remove();
    return;
  }
  if (!line) {
    line = element("p", className);
    line.setAttribute("role", "status");
    const note = aside.querySelector(".demo-recorded-note");
    aside.insertBefore(line, note && note.parentNode === aside ? note : null);
  }
  if (line.textContent !== status.text) line.textContent = status.text;
  line.dataset.kind = status.kind;
}

/* The oldest lines go until at most WINDOW_LINES lines and WINDOW_CHARS characters stay. */
function trim(stream) {
  let chars = stream.textContent.length;
  let excess = stream.childElementCount - WINDOW_LINES;
  while (stream.firstChild && (excess > 0 || chars > WINDOW_CHARS)) {
    chars -= stream.firstChild.textContent.length;
    stream.removeChild(stream.firstChild);
    excess--;
  }
}

/* Keep the newest line in view by scrolling the output box itself (never
   scrollIntoView, which would move the slide), unless the reader has
   scrolled up to look at something earlier. */
function nearBottom(output) {
  return output.scrollHeight - output.scrollTop - output.clientHeight < 24;
}

const screens = new WeakMap(); // demo element -> what its DOM shows now

/* Show view (a snapshot) in demo: only the lines it has not drawn yet are added,
   and the oldest go, so the page holds at most WINDOW_LINES of them. */
export function draw(demo, view) {
  const p = parts(demo);
  let screen = screens.get(demo) || { runId: 0, total: view.total };
  const follow = nearBottom(p.output);
  if (screen.runId !== view.runId || screen.total > view.total) {
    p.stream.textContent = "";
    screen = { runId: view.runId, total: 0 };
  }
  // A line drawn unfinished may have grown since: it is drawn again.
  if (screen.open && p.stream.lastChild) {
    p.stream.removeChild(p.stream.lastChild);
    screen.total -= 1;
  }
  const fresh = Math.min(view.total - screen.total, view.lines.length);
  if (fresh > 0) {
    const lines = view.lines.slice(-fresh);
    let first = lines.length;
    for (let chars = 0; first > 0 && chars < WINDOW_CHARS; first--) {
      chars += lines[first - 1].text.length;
    }
    const batch = document.createDocumentFragment();
    const headlines = headlinesOf(demo);
    for (const line of lines.slice(first)) batch.appendChild(lineElement(line, headlines));
    p.stream.appendChild(batch);
    trim(p.stream);
  }
  screen.total = view.total;
  const tail = view.lines[view.lines.length - 1];
  screen.open = Boolean(tail) && !endsLine(tail.text) && p.stream.lastChild !== null;
  screens.set(demo, screen);

  const hidden = view.total - p.stream.childElementCount;
  p.hidden.hidden = hidden <= 0;
  if (hidden > 0) p.hidden.textContent = `${hidden} earlier lines hidden`;
  p.output.dataset.source = view.source;
  if (p.note) p.note.hidden = view.source !== "recorded";
  const running = view.phase === "running";
  setLine(p.aside, "demo-progress", running ? { text: runningText(view.elapsedS), kind: "running" } : null);
  setLine(p.aside, "demo-status", view.status);
  demo.classList.toggle("demo-running", running);
  if (p.button) {
    p.button.textContent = running ? "Stop" : "Run";
    p.button.setAttribute("aria-pressed", String(running));
  }
  if (follow || fresh > 0) p.output.scrollTop = p.output.scrollHeight;
}

/* drawOne(demo) for each demo changed since the last draw: output that comes
   after a quiet spell is drawn at once (a line a second shows without delay);
   output that keeps coming is drawn once per frame. */
export function drawScheduler(drawOne) {
  const pending = new Set();
  let frame = null; // the draw scheduled, if any
  let lastFlush = -Infinity;

  function flush() {
    if (frame) {
      clearTimeout(frame.timer);
      if (frame.request !== null) cancelAnimationFrame(frame.request);
      frame = null;
    }
    lastFlush = performance.now();
    const due = Array.from(pending);
    pending.clear();
    due.forEach(drawOne);
  }

  return {
    changed(demo) {
      pending.add(demo);
      if (frame) return;
      if (performance.now() - lastFlush >= FRAME_MS) {
        frame = { timer: null, request: null };
        queueMicrotask(flush);
        return;
      }
      // Whichever comes first: a frame, or a timeout where frames do not come.
      frame = { timer: setTimeout(flush, FRAME_FALLBACK_MS), request: requestAnimationFrame(flush) };
    },
    /* Draw now, not at the next frame: a click must show its effect at once. */
    drawNow(demo) {
      pending.add(demo);
      flush();
    },
  };
}
