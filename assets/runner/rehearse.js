/* Rehearse mode: a run through the talk, timed as it is given. In the speaker view
   (S) a Rehearse button starts it; the main deck (the one that moves and runs)
   then writes down, on one clock, when each slide is reached, each step clicked
   (any fragment shown) and each demo run, with the run's own time; Stop saves
   the rehearsal through the runner (POST api/rehearsals) as a file of its own
   under slides/rehearsals/, which `talk pace` sets beside the model and the
   build paces the talk by. PowerPoint's Rehearse Timings and Keynote's Rehearse
   Slideshow do the first part; neither counts a live run.

   A slide is named by its position among the deck's timed slides (the sections
   that carry data-timing), as runner/deck/pacing.py numbers them. */

const VERSION = 1;

/* Seconds on the rehearsal's clock: the page's, or one a test gives it
   (window.talkClock, with now() in milliseconds like performance.now()). */
function seconds() {
  return (window.talkClock || performance).now() / 1000;
}

function timedSlides() {
  return Array.from(document.querySelectorAll(".slides section[data-timing]"));
}

function titleOf(slide) {
  const heading = slide && slide.querySelector("h1, h2, h3");
  const text = heading ? heading.textContent : slide ? slide.textContent : "";
  return text.replace(/\u00b6/g, "").trim().slice(0, 120);
}

/* The recorder, in the main deck: window.talkRehearsal. runner is window.talkRunner. */
export function recordRehearsals(runner) {
  let rehearsal = null; // { start, events, running, unsubscribe } while one is under way

  function indexOf(slide) {
    return timedSlides().indexOf(slide);
  }

  function add(event) {
    if (rehearsal) rehearsal.events.push({ t: Math.max(0, seconds() - rehearsal.start), ...event });
  }

  function slideShown() {
    const slide = Reveal.getCurrentSlide();
    add({ kind: "slide", index: indexOf(slide), title: titleOf(slide) });
  }

  function stepShown() {
    add({ kind: "step", index: indexOf(Reveal.getCurrentSlide()) });
  }

  function watchRun(view) {
    if (!rehearsal || !view) return;
    if (view.phase === "running") {
      rehearsal.running.add(view.index);
    } else if (rehearsal.running.delete(view.index)) {
      const demo = document.querySelectorAll(".demo[data-demo-id]")[view.index];
      const slide = demo ? demo.closest("section[data-timing]") : null;
      add({ kind: "run", index: indexOf(slide), demo: view.demoId, elapsed: view.elapsedS || 0 });
    }
  }

  async function save(record) {
    const response = await fetch("api/rehearsals", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(record),
    });
    const answer = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(answer.detail || `the runner said ${response.status}`);
    return answer.file;
  }

  window.talkRehearsal = {
    active: () => rehearsal !== null,
    start() {
      if (rehearsal) return;
      rehearsal = { start: seconds(), events: [], running: new Set(), unsubscribe: runner.subscribe(watchRun) };
      slideShown();
    },
    /* Ends the rehearsal and saves it; resolves to the file written. */
    stop() {
      if (!rehearsal) return Promise.reject(new Error("no rehearsal under way"));
      const { start, events, unsubscribe } = rehearsal;
      unsubscribe();
      rehearsal = null;
      const record = { version: VERSION, title: document.title, slides: timedSlides().length, events, end: seconds() - start };
      return save(record);
    },
  };
  Reveal.on("slidechanged", slideShown);
  Reveal.on("fragmentshown", stepShown);
}

/* The Rehearse button, in the speaker view's controls (from its current-slide frame). */
export function offerRehearsal(controls) {
  let main = null;
  try {
    main = window.parent.opener;
  } catch {
    return; // another origin
  }
  if (!controls || !main || !main.talkRehearsal || controls.ownerDocument.getElementById("talk-rehearse")) return;
  const view = controls.ownerDocument;
  const box = view.createElement("div");
  box.id = "talk-rehearse";
  const button = view.createElement("button");
  button.type = "button";
  const said = view.createElement("span");
  said.setAttribute("role", "status");
  box.append(button, " ", said);
  controls.insertBefore(box, controls.firstChild);

  function show(text) {
    button.textContent = main.talkRehearsal.active() ? "Stop rehearsal and save" : "Rehearse";
    button.setAttribute("aria-pressed", String(main.talkRehearsal.active()));
    said.textContent = text;
  }
  button.addEventListener("click", async () => {
    if (!main.talkRehearsal.active()) {
      main.talkRehearsal.start();
      show("rehearsing: each slide, step and run is timed");
      return;
    }
    show("saving…");
    try {
      show(`saved ${await main.talkRehearsal.stop()}`);
    } catch (error) {
      show(`not saved: ${error.message}`);
    }
  });
  show("");
}
