/* The viewer's page (`talk serve --audience`, the audience port's /): the talk at
   the reader's own size, following the presenter. The page holds every slide
   (runner/service/audience_page.py); this shows one at a time, the presenter's,
   with its steps as far as the presenter has gone, and draws the presenter's
   runs into their demos with the deck's own run model and renderer, so that
   the output reads as the slide shows it. Back and Next (the arrow keys) look
   around; Follow live (L) rejoins. The follow stream (GET /follow) is
   docs/audience.md's; a late joiner is sent the current state first. */

import { addText, createModel, describeExit, finish, snapshot, startLive, tick } from "../runner/model.js";
import { draw, drawScheduler, element, recordedLines } from "../runner/render.js";

const RETRY_REFUSED_MS = 10000; // a full room (503) or too many tabs (429): try again later
const TICK_MS = 250;
const COPIED_MS = 2000;

const bar = document.querySelector(".follow-bar");
const stateLine = bar.querySelector(".follow-state");
const nav = bar.querySelector(".follow-nav");
const backButton = nav.querySelector(".follow-back");
const liveButton = nav.querySelector(".follow-live");
const nextButton = nav.querySelector(".follow-next");

/* ---- The slides: reveal.js's (h, v) for each, in talk order. ---- */

const slides = [];
for (const [h, top] of Array.from(document.querySelectorAll(".follow-slides > section")).entries()) {
  const inner = Array.from(top.children).filter((child) => child.tagName === "SECTION");
  if (inner.length) inner.forEach((section, v) => slides.push({ section, h, v }));
  else slides.push({ section: top, h, v: 0 });
}

function slideAt(h, v) {
  const found = slides.findIndex((slide) => slide.h === h && slide.v === v);
  return found >= 0 ? found : slides.findIndex((slide) => slide.h === h);
}

/* Counted as the deck counts them: the appendix after the closing slide is not. */
const counted = slides.filter(({ section }) => section.dataset.visibility !== "uncounted").length;

function heading(index) {
  const title = slides[index].section.querySelector("h1, h2, h3");
  return title ? title.textContent.replace("\u00b6", "").trim() : "";
}

/* ---- What the page shows: the presenter's slide (live), or the reader's. ---- */

const view = { live: true, shown: 0, presenter: null, step: -1, connected: false };

function showFragments(index) {
  const fragments = slides[index].section.querySelectorAll(".fragment:not(.demo-step)");
  const presenterHere = view.live && view.presenter === index;
  fragments.forEach((fragment, order) => {
    fragment.classList.toggle("follow-later", presenterHere && order > view.step);
  });
}

function describe() {
  if (!view.connected) return view.presenter === null ? "Connecting to the talk\u2026" : "Reconnecting\u2026";
  const where = view.shown < counted ? `slide ${view.shown + 1} of ${counted}` : "appendix";
  const title = heading(view.shown);
  const named = title ? `${where}: ${title}` : where;
  if (view.live) return `Live, ${named}`;
  const presenter = view.presenter === null ? "" : ` (the talk is at slide ${view.presenter + 1})`;
  return `You are on ${named}${presenter}`;
}

function render(scroll) {
  slides.forEach((slide, index) => {
    slide.section.hidden = index !== view.shown;
  });
  showFragments(view.shown);
  stateLine.textContent = describe();
  liveButton.disabled = view.live;
  liveButton.setAttribute("aria-pressed", String(view.live));
  backButton.disabled = view.shown === 0;
  nextButton.disabled = view.shown === slides.length - 1;
  document.body.classList.toggle("follow-behind", !view.live);
  if (scroll) window.scrollTo(0, 0);
}

function lookAt(index) {
  if (index < 0 || index >= slides.length) return;
  view.live = false;
  const moved = index !== view.shown;
  view.shown = index;
  render(moved);
}

function rejoin() {
  view.live = true;
  const moved = view.presenter !== null && view.presenter !== view.shown;
  if (view.presenter !== null) view.shown = view.presenter;
  render(moved);
}

function presenterAt(h, v, f) {
  const index = slideAt(h, v);
  if (index < 0) return;
  view.presenter = index;
  view.step = f;
  if (!view.live) {
    render(false);
    return;
  }
  const moved = index !== view.shown;
  view.shown = index;
  render(moved);
}

/* ---- The presenter's runs, drawn into their demos as the slide draws them. ---- */

const demos = Array.from(document.querySelectorAll(".demo[data-demo-id]"));
const models = new Map(); // demo element -> its model
const runs = new Map(); // run id -> { demo, model, exit }
let clockOffsetMs = 0; // the presenter's clock minus this device's

demos.forEach((demo, index) => {
  const output = demo.querySelector(".demo-output");
  if (output) {
    // Read out as it comes, politely: after what the reader is hearing now.
    output.setAttribute("role", "log");
    output.setAttribute("aria-live", "polite");
    output.setAttribute("aria-label", `Output of ${demo.dataset.demoId}`);
    output.tabIndex = 0; // it scrolls: a keyboard can reach it
  }
  const source = output ? output.dataset.source : "none";
  models.set(demo, createModel({ index, demoId: demo.dataset.demoId, recorded: recordedLines(demo), source }));
  addCopyButton(demo);
});

// Code scrolls sideways on a narrow screen: a keyboard must reach it too.
document.querySelectorAll(".follow-slides pre:not(.demo-stream)").forEach((pre) => {
  pre.tabIndex = 0;
  const demo = pre.closest(".demo[data-demo-id]");
  if (demo) {
    pre.setAttribute("role", "region");
    pre.setAttribute("aria-label", `Code of ${demo.dataset.demoId}`);
  }
});

const screen = drawScheduler((demo) => draw(demo, snapshot(models.get(demo))));

function presenterNow() {
  return Date.now() + clockOffsetMs;
}

function runStarted({ run, demo: demoId, started }) {
  const demo = demos.find((candidate) => candidate.dataset.demoId === demoId);
  if (!demo) return;
  const model = models.get(demo);
  startLive(model, run, started * 1000);
  tick(model, presenterNow());
  runs.set(run, { demo, model, exit: null });
  screen.drawNow(demo);
}

function runEvent({ run, event, data }) {
  const known = runs.get(run);
  if (!known || known.model.runId !== run) return;
  if (event === "stdout" || event === "stderr") addText(known.model, event, data);
  else if (event === "exit") known.exit = JSON.parse(data);
  screen.changed(known.demo);
}

function runEnded({ run }) {
  const known = runs.get(run);
  runs.delete(run);
  if (!known || known.model.runId !== run) return;
  const exit = known.exit;
  known.model.exit = exit;
  if (exit) finish(known.model, describeExit(exit), exit.code === 0 ? "ok" : "error");
  else finish(known.model, "stopped", "info");
  screen.drawNow(known.demo);
}

function runSkipped({ run, lines }) {
  const known = runs.get(run);
  if (known) known.model.total += lines; // shown as "N earlier lines hidden"
}

setInterval(() => {
  for (const { demo, model } of runs.values()) {
    if (model.phase !== "running") continue;
    tick(model, presenterNow());
    screen.changed(demo);
  }
}, TICK_MS);

/* ---- Copy: a button on each demo's code (the page may not be a secure context,
   where the Clipboard API is missing: then the code is selected and copied). ---- */

function addCopyButton(demo) {
  const code = demo.querySelector(".demo-code pre");
  if (!code) return;
  const button = element("button", "follow-copy", "Copy code");
  button.type = "button";
  button.addEventListener("click", async () => {
    const text = code.textContent;
    let copied = false;
    try {
      if (navigator.clipboard && window.isSecureContext) {
        await navigator.clipboard.writeText(text);
        copied = true;
      }
    } catch {
      copied = false;
    }
    if (!copied) {
      const range = document.createRange();
      range.selectNodeContents(code);
      const selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
      copied = document.execCommand("copy");
    }
    button.textContent = copied ? "Copied" : "Selected: copy it";
    setTimeout(() => {
      button.textContent = "Copy code";
    }, COPIED_MS);
  });
  demo.querySelector(".demo-code").before(button);
}

/* ---- The follow stream. ---- */

const handlers = {
  hello({ now }) {
    clockOffsetMs = now * 1000 - Date.now();
    view.connected = true;
    render(false);
  },
  position({ h, v, f }) {
    presenterAt(h, v, f);
  },
  run: runStarted,
  output: runEvent,
  end: runEnded,
  skipped: runSkipped,
};

function connect() {
  const source = new EventSource("follow");
  for (const [name, handle] of Object.entries(handlers)) {
    source.addEventListener(name, (event) => handle(JSON.parse(event.data)));
  }
  source.addEventListener("error", () => {
    view.connected = false;
    render(false);
    // Refused (a full room): EventSource gives up; ask again later. Otherwise it retries.
    if (source.readyState === EventSource.CLOSED) setTimeout(connect, RETRY_REFUSED_MS);
  });
}

/* ---- Keys and taps. ---- */

backButton.addEventListener("click", () => lookAt(view.shown - 1));
nextButton.addEventListener("click", () => lookAt(view.shown + 1));
liveButton.addEventListener("click", rejoin);
document.addEventListener("keydown", (event) => {
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  if (/^(INPUT|TEXTAREA|SELECT)$/.test(event.target.tagName)) return;
  if (event.key === "ArrowLeft") lookAt(view.shown - 1);
  else if (event.key === "ArrowRight") lookAt(view.shown + 1);
  else if (event.key === "l" || event.key === "L" || event.key === "Escape") rejoin();
  else return;
  event.preventDefault();
});

document.body.classList.add("following");
nav.hidden = false;
render(false);
connect();
