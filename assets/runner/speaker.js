/* The speaker view's side of a run. reveal.js's speaker view (S) shows this
   deck in preview frames (?receiver); such a frame runs nothing itself: it
   mirrors the main deck's runs, drawn as there, and sends it Run and Stop. The
   current-slide frame also writes the run's status, large, into the speaker
   view's controls. Reaching into the speaker view's page is the only way in:
   reveal.js offers no hook there. */

import { runningText } from "./model.js";
import { draw } from "./render.js";

/* Whether this page is a speaker-view preview frame. */
export const isPreview = /(?:\?|&)receiver(?:&|=|$)/i.test(location.search);

/* The main deck's window.talkRunner, seen from a preview frame; null elsewhere. */
export function mainDeck() {
  try {
    const host = window.parent !== window ? window.parent.opener : null;
    return host && host !== window && host.talkRunner ? host.talkRunner : null;
  } catch {
    return null; // another origin: nothing to drive
  }
}

/* reveal.js's speaker view moves its upcoming-slide frame only when the main deck
   sends its state. A frame still loading then (a busy laptop) misses it and shows
   the current slide, not the next, until the next change; so that frame catches up
   by itself, as the speaker view would have moved it: to the deck's state, one on. */
export function catchUpWithMainDeck() {
  if (!/(?:\?|&)controls=false(?:&|$)/.test(location.search)) return; // not the upcoming frame
  let main = null;
  try {
    main = window.parent !== window ? window.parent.opener : null;
  } catch {
    return; // another origin
  }
  if (!main || !main.Reveal || !window.Reveal) return;
  const follow = () => {
    const { previewVideo, previewImage, previewIframe, ...state } = main.Reveal.getState();
    Reveal.setState(state);
    Reveal.next();
  };
  if (Reveal.isReady()) follow();
  else Reveal.on("ready", follow);
}

/* The speaker view's page, when this frame is inside one (same origin). */
function speakerView() {
  try {
    const view = window.parent.document;
    return view.querySelector("#speaker-controls") ? view : null;
  } catch {
    return null;
  }
}

/* Our stylesheet for the speaker view itself (a same-origin file: the page's
   own CSP allows it), added once by whichever preview frame loads first. */
export function styleSpeakerView() {
  const view = speakerView();
  if (!view || view.getElementById("talk-speaker-css")) return;
  const link = view.createElement("link");
  link.id = "talk-speaker-css";
  link.rel = "stylesheet";
  link.href = new URL("assets/speaker.css", location.href).href;
  view.head.appendChild(link);
  nameSpeakerViewParts(view);
}

/* reveal.js's speaker view leaves its layout menu unlabelled, its preview frames
   untitled and its parts outside any landmark: a screen reader meets an unnamed
   select and two unnamed frames. Each gets a name, and the page its landmarks and
   a heading. */
function nameSpeakerViewParts(view) {
  const named = [
    ["#current-slide", "region", "Current slide"],
    ["#upcoming-slide", "region", "Upcoming slide"],
    ["#speaker-controls", "main", null],
    ["#speaker-layout", "region", "Layout"],
  ];
  for (const [selector, role, label] of named) {
    const part = view.querySelector(selector);
    if (!part) continue;
    part.setAttribute("role", role);
    if (label) part.setAttribute("aria-label", label);
    const frame = part.querySelector("iframe");
    if (frame && label) frame.title = label;
  }
  const menu = view.querySelector("#speaker-layout select");
  if (menu) menu.setAttribute("aria-label", "Speaker view layout");
  // One page heading, read but not shown, its sections' h4 one level under it.
  const controls = view.querySelector("#speaker-controls");
  if (controls && !view.getElementById("talk-speaker-heading")) {
    const heading = view.createElement("h1");
    heading.id = "talk-speaker-heading";
    heading.textContent = "Speaker view";
    controls.insertBefore(heading, controls.firstChild);
  }
  for (const label of view.querySelectorAll("h4.label")) label.setAttribute("aria-level", "2");
  // Into the page's own stylesheet through the CSSOM: a new style element would be
  // inline style, which the deck's policy refuses.
  const sheet = Array.from(view.styleSheets).find((s) => s.ownerNode?.tagName === "STYLE");
  if (sheet) for (const rule of READABLE) sheet.insertRule(rule, sheet.cssRules.length);
}

/* The timer readable at a glance (>= 4.5:1 on white): reveal.js dims its leading
   zeros to 30 % opacity and draws "behind" in pure red. Rules, not speaker.css,
   so that they hold while that file still loads. */
const READABLE = [
  ".speaker-controls-time span.mute { opacity: 1; color: #5c6670; }",
  ".speaker-controls-time .pacing.behind { color: #c8372d; }",
  "#talk-speaker-heading { position: absolute; width: 1px; height: 1px; overflow: hidden;" +
    " clip-path: inset(50%); white-space: nowrap; }",
];

/* The speaker view's controls, for the current-slide frame (the one reveal.js
   posts events from); null for the next-slide frame and outside a speaker view. */
export function speakerControls() {
  const view = speakerView();
  if (!view || !/(?:\?|&)postMessageEvents=true/.test(location.search)) return null;
  return view.querySelector("#speaker-controls");
}

/* The status line in the controls, for the current-slide frame; null elsewhere. */
function statusLine() {
  const controls = speakerControls();
  if (!controls) return null;
  const view = controls.ownerDocument;
  const line = view.getElementById("talk-run-status") || view.createElement("div");
  line.id = "talk-run-status";
  line.setAttribute("role", "status");
  controls.insertBefore(line, controls.firstChild);
  return line;
}

/* The line says the demo on this slide, and its run now or its end. */
function describe(line, view) {
  const running = view && view.phase === "running";
  const status = running ? { text: runningText(view.elapsedS), kind: "running" } : view && view.status;
  line.textContent = status ? `${view.demoId}: ${status.text}` : "";
  line.dataset.kind = status ? status.kind : "";
}

/* Show the host's runs in this frame's demos, now and on every change.
   page: { demos, currentDemo() } of this frame. */
export function mirror(host, page) {
  const line = statusLine();
  function currentIndex() {
    const current = page.currentDemo();
    return current ? page.demos.indexOf(current) : -1;
  }
  function show(view) {
    const demo = page.demos[view.index];
    if (demo && demo.dataset.demoId === view.demoId) draw(demo, view);
    if (line && currentIndex() === view.index) describe(line, view);
  }
  page.demos.forEach((demo, index) => {
    const view = host.state(index);
    if (view) show(view);
  });
  window.addEventListener("pagehide", host.subscribe(show, window));
  if (line && window.Reveal && Reveal.on) {
    Reveal.on("slidechanged", () => {
      const index = currentIndex();
      describe(line, index >= 0 ? host.state(index) : null);
    });
  }
}
