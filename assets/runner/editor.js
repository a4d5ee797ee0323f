/* Edit and rerun on the slide (`talk serve --edit`): the presenter changes a
   demo's code where it is shown, Run runs the edited version (a fresh process,
   the same limits), Reset brings the original back. The file on disk is never
   touched.

   Off unless the page was opened with the URL `talk serve --edit` printed
   (assets/edit-token.js takes its token) and the runner says editing is on.
   The printed token is exchanged, once, for a session token kept in this tab;
   the printed one is then dead, in the history too. Every edited run sends the
   session token in a header; the runner refuses an edited run without it. */

const PRINTED_KEY = "talk-edit-printed"; // where assets/edit-token.js leaves it
const TOKEN_KEY = "talk-edit-token"; // the session token, kept for this tab

const originals = new WeakMap(); // demo element -> {html, text} of its code as built

function codeOf(demo) {
  return demo.querySelector(".demo-code pre");
}

/* How a run of this demo is requested: the edited code's request, or null when
   the slide shows the demo as it is on disk. */
export function editedRequest(demo) {
  const original = originals.get(demo);
  const token = sessionStorage.getItem(TOKEN_KEY);
  if (!original || !token) return null;
  const code = codeOf(demo).innerText;
  if (code === original.text) return null;
  return {
    url: `api/demos/${encodeURIComponent(demo.dataset.demoId)}/edited-run`,
    init: {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-Talk-Edit-Token": token },
      body: JSON.stringify({ code }),
    },
  };
}

function markEdited(demo) {
  const edited = codeOf(demo).innerText !== originals.get(demo).text;
  demo.classList.toggle("demo-edited", edited);
  demo.querySelector(".demo-reset").hidden = !edited;
}

function makeEditable(demo) {
  const pre = codeOf(demo);
  if (!pre) return;
  originals.set(demo, { html: pre.innerHTML, text: pre.innerText });
  pre.contentEditable = "plaintext-only";
  pre.spellcheck = false;
  pre.title = "Edit the code, then Run it; Reset brings the original back";
  pre.addEventListener("input", () => markEdited(demo));
  // Keys typed into the code are the code's, not the deck's (reveal.js ignores
  // them already while an editable element has the focus); Escape leaves it.
  pre.addEventListener("keydown", (event) => {
    if (event.key === "Escape") pre.blur();
    event.stopPropagation();
  });
  const reset = document.createElement("button");
  reset.type = "button";
  reset.className = "demo-reset";
  reset.textContent = "Reset";
  reset.title = "Show and run the demo as it is on disk again";
  reset.hidden = true;
  reset.addEventListener("click", (event) => {
    event.stopPropagation();
    pre.innerHTML = originals.get(demo).html;
    markEdited(demo);
  });
  const run = demo.querySelector(".demo-run");
  if (run) run.after(reset);
  else demo.insertBefore(reset, demo.firstChild);
  demo.classList.add("demo-editable");
}

/* The printed token, if this load brought one, exchanged for a session token. */
async function exchangePrinted() {
  const printed = sessionStorage.getItem(PRINTED_KEY);
  if (!printed) return;
  sessionStorage.removeItem(PRINTED_KEY);
  try {
    const response = await fetch("api/authoring/edit-session", {
      method: "POST",
      headers: { "X-Talk-Edit-Token": printed },
      cache: "no-store",
    });
    if (response.ok) sessionStorage.setItem(TOKEN_KEY, (await response.json()).token);
  } catch {
    // no runner, or no edit mode: the deck stays as built
  }
}

/* Make the demos editable, if this tab holds a token and the runner edits. */
export async function startEditing(demos) {
  await exchangePrinted();
  if (!sessionStorage.getItem(TOKEN_KEY)) return;
  try {
    const response = await fetch("api/authoring", { cache: "no-store" });
    if (!response.ok || !(await response.json()).edit) return;
  } catch {
    return;
  }
  demos.forEach(makeEditable);
}
