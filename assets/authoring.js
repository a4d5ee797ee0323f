/* `talk serve --watch`: the open deck follows the sources. After each rebuild
   the page reloads on the slide it shows (reveal.js keeps it in the URL hash;
   the speaker view reconnects by itself); a build that fails shows its
   `file:line` over the last good deck until it is fixed.

   Inert unless the runner says it watches (GET api/authoring), so it is the
   same file in every build, and does nothing from file:// or a static host. */
(function () {
  "use strict";

  var served = location.protocol === "http:" || location.protocol === "https:";
  // The speaker view's previews: they reload too, but keep no hash of their own.
  var receiver = /receiver/i.test(location.search);
  var overlay = null;

  function showError(message) {
    if (!overlay) {
      overlay = document.createElement("div");
      overlay.className = "authoring-error";
      overlay.setAttribute("role", "alert");
      var title = document.createElement("p");
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

  /* Reload on the slide being shown, even where reveal.js writes no hash. */
  function reload() {
    if (receiver && window.Reveal && Reveal.getIndices) {
      var at = Reveal.getIndices();
      var hash = "#/" + at.h + "/" + (at.v || 0) + (at.f !== undefined ? "/" + at.f : "");
      history.replaceState(null, "", location.pathname + location.search + hash);
    }
    location.reload();
  }

  function listen() {
    var seen = null;
    var events = new EventSource("api/authoring/events");
    events.addEventListener("deck", function (event) {
      var state = JSON.parse(event.data);
      if (seen !== null && state.version !== seen) {
        reload();
        return;
      }
      seen = state.version;
      if (state.error) showError(state.error);
      else hideError();
    });
  }

  async function start() {
    if (!served) return;
    try {
      var response = await fetch("api/authoring", { cache: "no-store" });
      if (!response.ok) return;
      var modes = await response.json();
      if (modes.watch) listen();
    } catch (error) {
      // No runner behind this page: nothing to follow.
    }
  }

  start();
})();
