/* `talk serve --watch`: the open deck follows the sources. After each rebuild
   the page reloads on the slide it shows (the speaker view reconnects by
   itself); a build that fails shows its `file:line` over the last good deck
   until it is fixed.

   Inert unless the runner says it watches (GET api/authoring), so it is the
   same file in every build, and does nothing on a static host; an ES module,
   it does not load from file:// at all. */

let overlay = null;

function showError(message) {
  if (!overlay) {
    overlay = document.createElement("div");
    overlay.className = "authoring-error";
    overlay.setAttribute("role", "alert");
    const title = document.createElement("p");
    title.className = "authoring-error-title";
    title.textContent = "The deck did not build; this is the last good one. Fix and save:";
    overlay.appendChild(title);
    overlay.appendChild(document.createElement("pre"));
    document.body.appendChild(overlay);
  }
  overlay.querySelector("pre").textContent = message;
  overlay.hidden = false;
}

function hideError() {
  if (overlay) overlay.hidden = true;
}

/* Reload on the slide being shown. The URL hash cannot say which: reveal.js
   writes it at most once a second (a save soon after a slide change would
   reload on the slide before), and the speaker view's previews keep none. */
function reload() {
  if (window.Reveal && Reveal.getIndices) {
    const at = Reveal.getIndices();
    const hash = "#/" + at.h + "/" + (at.v || 0) + (at.f !== undefined ? "/" + at.f : "");
    history.replaceState(null, "", location.pathname + location.search + hash);
  }
  location.reload();
}

function listen() {
  let seen = null;
  const events = new EventSource("api/authoring/events");
  events.addEventListener("deck", function (event) {
    const state = JSON.parse(event.data);
    if (seen !== null && state.version !== seen) {
      reload();
      return;
    }
    seen = state.version;
    if (state.error) showError(state.error);
    else hideError();
  });
}

/* Only the question is tried: a bug in following is thrown, not taken for "no runner". */
async function watching() {
  try {
    const response = await fetch("api/authoring", { cache: "no-store" });
    return response.ok && Boolean((await response.json()).watch);
  } catch {
    return false; // no runner behind this page: nothing to follow
  }
}

watching().then((on) => {
  if (on) listen();
});
