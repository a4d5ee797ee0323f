/* Run on the slide: each demo gets a Run button (and the R key) that runs it
   through the local runner (`talk serve`) and streams its output into the slide
   as it prints. Without a runner (a static host) the recorded output stays and
   Run says how to start one. Opened from disk, browsers load no modules: the
   deck shows its recorded outputs and offers no Run.

   This module wires the page; each concern is a module of its own under
   assets/runner/: the run model (model.js), one run (run.js), the event stream
   (sse.js), drawing (render.js), the speaker view (speaker.js), the health badge
   (health.js), editing (editor.js) and rehearsing (rehearse.js).

   window.talkRunner is the API for other code, the speaker view first (its
   preview frames drive the main deck through it). A demo is named by its index
   among the page's demos, the same in every window showing this deck. */

import { editedRequest, startEditing } from "./runner/editor.js";
import { addIndicator, database } from "./runner/health.js";
import { createModel, snapshot } from "./runner/model.js";
import { draw, drawScheduler, element, recordedLines } from "./runner/render.js";
import { offerRehearsal, recordRehearsals } from "./runner/rehearse.js";
import { run, stop } from "./runner/run.js";
import {
  catchUpWithMainDeck,
  isPreview,
  mainDeck,
  mirror,
  speakerControls,
  styleSpeakerView,
} from "./runner/speaker.js";

const RUN_KEY = { keyCode: 82, key: "R", description: "Run or stop the demo on this slide" };
const served = location.protocol === "http:" || location.protocol === "https:";

const demos = Array.from(document.querySelectorAll(".demo[data-demo-id]"));
const models = new Map(); // demo element -> its run's model
let subscribers = []; // { listener, owner }: owner is the window the listener lives in

// A listener whose window has gone without saying so (a speaker view closed before its
// pagehide) is dropped; one that throws is a bug: it is dropped too, and said.
function notify(view) {
  for (const { listener, owner } of subscribers.slice()) {
    if (owner.closed) {
      unsubscribe(listener);
      continue;
    }
    try {
      listener(view);
    } catch (error) {
      unsubscribe(listener);
      console.error("talk: a run listener failed and was dropped:", error);
    }
  }
}

function unsubscribe(listener) {
  subscribers = subscribers.filter((other) => other.listener !== listener);
}

const screen = drawScheduler((demo) => {
  const view = snapshot(models.get(demo));
  draw(demo, view);
  notify(view);
});

function request(demo) {
  return (
    editedRequest(demo) || {
      url: `api/demos/${encodeURIComponent(demo.dataset.demoId)}/run`,
      init: { method: "POST" },
    }
  );
}

function runDemo(demo) {
  return run(models.get(demo), {
    request: request(demo),
    served,
    needsDatabase: demo.dataset.needsDatabase === "true",
    database,
    fetch: (url, init) => fetch(url, init),
    now: () => performance.now(),
    changed: () => screen.changed(demo),
    drawNow: () => screen.drawNow(demo),
  });
}

function toggle(demo) {
  const model = models.get(demo);
  if (model.controller) stop(model);
  else runDemo(demo);
}

/* ---- The API: by index, by element, or the demo on the current slide. ---- */

function currentDemo() {
  const slide = window.Reveal && Reveal.getCurrentSlide ? Reveal.getCurrentSlide() : null;
  return slide ? slide.querySelector(".demo[data-demo-id]") : demos[0] || null;
}

function resolve(ref) {
  if (ref === undefined || ref === null) return currentDemo();
  if (typeof ref === "number") return demos[ref] || null;
  return models.has(ref) ? ref : null;
}

const api = {
  /* Start the demo (the current slide's by default); resolves when the run has ended. */
  run(ref) {
    const demo = resolve(ref);
    return demo ? runDemo(demo) : Promise.resolve();
  },
  stop(ref) {
    const demo = resolve(ref);
    if (demo) stop(models.get(demo));
  },
  toggle(ref) {
    const demo = resolve(ref);
    if (demo) toggle(demo);
  },
  /* What the demo shows now: { index, demoId, phase, source, lines, total, hidden, status, ... }. */
  state(ref) {
    const demo = resolve(ref);
    return demo ? snapshot(models.get(demo)) : null;
  },
  /* listener(state) after every change that is drawn, while owner (the window the listener
     lives in) is open; returns the function that ends it. */
  subscribe(listener, owner = window) {
    subscribers.push({ listener, owner });
    return () => unsubscribe(listener);
  },
  /* The index of a demo element (or of the current slide's demo), -1 if none. */
  indexOf(ref) {
    const demo = resolve(ref);
    return demo ? demos.indexOf(demo) : -1;
  },
};

/* ---- The page: buttons, the R key, then the badge or the speaker-view mirror. ---- */

function act(demo) {
  const host = isPreview ? mainDeck() : null;
  if (host) host.toggle(demos.indexOf(demo));
  else toggle(demo);
}

function addButton(demo) {
  const button = element("button", "demo-run", "Run");
  button.type = "button";
  button.title = "Run this demo (R); click again to stop it";
  button.setAttribute("aria-pressed", "false");
  button.addEventListener("click", (event) => {
    event.stopPropagation();
    act(demo);
  });
  const aside = demo.querySelector(".demo-aside");
  if (aside) aside.insertBefore(button, aside.firstChild);
  else demo.insertBefore(button, demo.firstChild);
}

function bindKey() {
  function onKey() {
    const demo = currentDemo();
    if (demo) act(demo);
  }
  if (window.Reveal && Reveal.addKeyBinding) {
    Reveal.addKeyBinding(RUN_KEY, onKey);
    return;
  }
  document.addEventListener("keydown", (event) => {
    if (
      event.keyCode === RUN_KEY.keyCode &&
      !event.ctrlKey &&
      !event.metaKey &&
      !event.altKey &&
      !/^(INPUT|TEXTAREA|SELECT)$/.test(event.target.tagName)
    ) {
      onKey();
    }
  });
}

demos.forEach((demo, index) => {
  const output = demo.querySelector(".demo-output");
  const source = output ? output.dataset.source : "none";
  models.set(demo, createModel({ index, demoId: demo.dataset.demoId, recorded: recordedLines(demo), source }));
  addButton(demo);
});
bindKey();
window.talkRunner = api;
const host = isPreview ? mainDeck() : null;
if (isPreview) {
  document.documentElement.classList.add("talk-preview");
  styleSpeakerView();
  catchUpWithMainDeck();
}
if (host) {
  mirror(host, { demos, currentDemo });
  offerRehearsal(speakerControls());
} else {
  addIndicator(served);
  if (served && !isPreview && window.Reveal) recordRehearsals(api);
}
startEditing(demos);
