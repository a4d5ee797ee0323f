/* Edit and rerun on the slide (`talk serve --edit`): the presenter changes a
   demo's code where it is shown, Run runs the edited version (a fresh process,
   the same limits), Reset brings the original back. The file on disk is never
   touched.

   Off unless the page was opened with the URL `talk serve --edit` printed:
   its fragment #edit=TOKEN is read here, before anything else on the page runs,
   removed from the address bar and exchanged, once, for a session token, which
   this tab's sessionStorage keeps (a reload keeps it, another site never sees
   it). The printed token is then dead, in the history too. Every edited run sends
   the session token in a header; the runner refuses an edited run without it.
   This file loads without defer, in the head, so that it takes the fragment
   before reveal.js reads the hash. */
(function () {
  "use strict";

  var KEY = "talk-edit-token";
  var given = /^#edit=([A-Za-z0-9_-]+)$/.exec(location.hash);
  if (given) history.replaceState(null, "", location.pathname + location.search);
  var token = sessionStorage.getItem(KEY);
  var exchanged = given ? exchange(given[1]) : Promise.resolve();

  async function exchange(printed) {
    try {
      var response = await fetch("api/authoring/edit-session", {
        method: "POST",
        headers: { "X-Talk-Edit-Token": printed },
        cache: "no-store",
      });
      if (!response.ok) return;
      token = (await response.json()).token;
      sessionStorage.setItem(KEY, token);
    } catch (error) {
      return;
    }
  }
  var originals = new WeakMap(); // demo element -> {html, text} of its code as built

  function codeOf(demo) {
    return demo.querySelector(".demo-code pre");
  }

  /* The hook assets/runner.js asks before each run: the request of an edited
     run, or null when the slide shows the demo as it is on disk. */
  window.TalkEditor = {
    request: function (demo) {
      var original = originals.get(demo);
      if (!original || !token) return null;
      var code = codeOf(demo).innerText;
      if (code === original.text) return null;
      return {
        url: "api/demos/" + encodeURIComponent(demo.dataset.demoId) + "/edited-run",
        headers: { "Content-Type": "application/json", "X-Talk-Edit-Token": token },
        body: JSON.stringify({ code: code }),
      };
    },
  };

  function markEdited(demo) {
    var edited = codeOf(demo).innerText !== originals.get(demo).text;
    demo.classList.toggle("demo-edited", edited);
    demo.querySelector(".demo-reset").hidden = !edited;
  }

  function makeEditable(demo) {
    var pre = codeOf(demo);
    if (!pre) return;
    originals.set(demo, { html: pre.innerHTML, text: pre.innerText });
    pre.contentEditable = "plaintext-only";
    pre.spellcheck = false;
    pre.title = "Edit the code, then Run it; Reset brings the original back";
    pre.addEventListener("input", function () { markEdited(demo); });
    // Keys typed into the code are the code's, not the deck's (reveal.js ignores
    // them already while an editable element has the focus); Escape leaves it.
    pre.addEventListener("keydown", function (event) {
      if (event.key === "Escape") pre.blur();
      event.stopPropagation();
    });
    var reset = document.createElement("button");
    reset.type = "button";
    reset.className = "demo-reset";
    reset.textContent = "Reset";
    reset.title = "Show and run the demo as it is on disk again";
    reset.hidden = true;
    reset.addEventListener("click", function (event) {
      event.stopPropagation();
      pre.innerHTML = originals.get(demo).html;
      markEdited(demo);
    });
    demo.insertBefore(reset, demo.firstChild);
    demo.classList.add("demo-editable");
  }

  async function start() {
    await exchanged;
    if (!token) return;
    try {
      var response = await fetch("api/authoring", { cache: "no-store" });
      if (!response.ok || !(await response.json()).edit) return;
    } catch (error) {
      return;
    }
    var demos = document.querySelectorAll(".demo[data-demo-id]");
    Array.prototype.forEach.call(demos, makeEditable);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
