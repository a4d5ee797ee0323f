/* The presenter's deck, when `talk serve --audience` lets the room follow
   (GET api/audience says so; otherwise this does nothing): the title slide
   shows the audience URL and its QR code, the deck reports each slide and step
   to the runner (PUT api/audience/position), which the follow stream passes
   on, and a small badge says how many follow. A speaker-view preview frame is
   a copy of the deck, not the presenter: it reports nothing. */

import { element } from "../runner/render.js";
import { isPreview } from "../runner/speaker.js";

const COUNT_EVERY_MS = 3000;

async function audienceState() {
  try {
    const response = await fetch("api/audience", { cache: "no-store" });
    return response.ok ? await response.json() : null;
  } catch {
    return null;
  }
}

/* The URL and its QR code, in a corner of the title slide. */
function showJoin(urls) {
  const title = Reveal.getSlide(0, 0) || Reveal.getSlide(0);
  if (!title || title.querySelector(".audience-join")) return;
  const join = element("div", "audience-join");
  const code = element("img", "audience-qr");
  code.src = "api/audience/qr.svg";
  code.alt = `QR code of ${urls[0]}`;
  const words = element("p", "audience-words", "Follow on your phone");
  const links = element("p", "audience-urls");
  urls.forEach((url, index) => {
    if (index) links.append(element("br"));
    links.append(element("span", "audience-url", url.replace(/^http:\/\//, "").replace(/\/$/, "")));
  });
  join.append(code, words, links);
  title.append(join);
}

function showCount(badge, viewers) {
  badge.textContent = `${viewers} following`;
  badge.title = `${viewers} ${viewers === 1 ? "device follows" : "devices follow"} the talk on the audience URL`;
}

function report() {
  const { h, v, f } = Reveal.getIndices();
  fetch("api/audience/position", {
    method: "PUT",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ h, v: v || 0, f: typeof f === "number" ? f : -1 }),
  }).catch(() => {});
}

async function start() {
  const state = await audienceState();
  if (!state || !state.on) return;
  showJoin(state.urls);
  // Beside the runner's own badge (assets/runner/health.js), where the presenter looks.
  const badge = element("span", "audience-count");
  const indicator = document.querySelector(".runner-indicator");
  (indicator || document.body).appendChild(badge);
  showCount(badge, state.viewers);
  setInterval(async () => {
    const now = await audienceState();
    if (now && now.on) showCount(badge, now.viewers);
  }, COUNT_EVERY_MS);
  ["slidechanged", "fragmentshown", "fragmenthidden"].forEach((name) => Reveal.on(name, report));
  if (Reveal.isReady()) report();
  else Reveal.on("ready", report);
}

const served = location.protocol === "http:" || location.protocol === "https:";
if (served && !isPreview && window.Reveal) start();
