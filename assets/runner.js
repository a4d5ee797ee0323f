/* Run on the slide: each demo gets a Run button (and the R key) that runs it
   through the local runner (`talk serve`) and streams its output into the
   slide as it prints. Without a runner (file://, a static host) the recorded
   output stays and Run says how to start one.

   The contract with the deck's template: a demo is
   <div class="demo" data-demo-id="ID" data-needs-database="true|false">, holding
   .demo-code, then .demo-output > pre.demo-stream with span.stdout/span.stderr.
   The run stream it reads is described in docs/wire.md.

   What a run looks like: on Run the recording is put aside at once and the
   status line says "running" with the seconds so far; output is drawn once per
   animation frame, and only the last WINDOW_LINES lines stay in the page (a
   flood of 10,000 lines must not freeze the deck or its Stop button). The end
   shows exit status and time. A run that never got going (Stop before any
   output, no runner, the database down) gives the recording back.

   window.talkRunner is the API for other code: the speaker view (which runs this
   file in its preview frames and drives the main deck through it), and hooks
   such as a request that carries edited code. A demo is named by its index
   among the page's demos, the same in every window showing this deck. */
(function () {
  "use strict";

  var NO_RUNNER = "No runner here: start one with `talk serve`";
  var DATABASE_DOWN = "Recorded: the database is unreachable";
  var NOT_RUN_DATABASE_DOWN = "Not run: the database is unreachable";
  var HEALTH_EVERY_MS = 3000;
  var TICK_MS = 100;
  var WINDOW_LINES = 200; // what a projector can show of a flood, and then some
  var WINDOW_CHARS = 20000; // and at most this much text: long lines wrap, and cost more
  var LINE_CHARS = 2000; // a longer line is cut: one huge line costs as much as many
  var FEED_SLICE = 16384; // characters of the stream parsed in one task
  var FRAME_MS = 16;
  var FRAME_FALLBACK_MS = 100; // when animation frames stop (a hidden window), draw anyway
  var RUN_KEY = { keyCode: 82, key: "R", description: "Run or stop the demo on this slide" };
  var served = location.protocol === "http:" || location.protocol === "https:";
  // A speaker-view preview: it shows the main deck's runs and sends it Run and Stop.
  var preview = /(?:\?|&)receiver(?:&|=|$)/i.test(location.search);

  var demos = []; // the page's demos in document order
  var models = new Map(); // demo element -> its run's state
  var subscribers = [];
  var pending = new Set(); // demos with changes not yet drawn
  var frame = null; // the draw scheduled, if any
  var lastFlush = -Infinity;
  var runCount = 0;
  var lastHealth = null;
  var requestHook = null;

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  /* ---- The model of one demo: what it shows, whatever window draws it. ---- */

  function recordedLines(demo) {
    var stream = demo.querySelector(".demo-output .demo-stream");
    var spans = stream ? stream.querySelectorAll("span") : [];
    return Array.prototype.map.call(spans, function (span) {
      return { stream: span.className === "stderr" ? "stderr" : "stdout", text: span.textContent };
    });
  }

  function createModel(demo, index) {
    var recorded = recordedLines(demo);
    var output = demo.querySelector(".demo-output");
    return {
      index: index,
      demoId: demo.dataset.demoId,
      recorded: recorded,
      runId: 0, // 0: the recording (or nothing); each run gets a new id
      phase: "idle", // idle | running | done
      source: output && output.dataset.source === "recorded" ? "recorded" : "none",
      lines: recorded.slice(-WINDOW_LINES),
      total: recorded.length,
      status: null, // { text, kind }: how the last run ended, or why it did not start
      startedAt: 0,
      elapsedS: 0,
      exit: null,
      timing: {},
      controller: null,
    };
  }

  function snapshot(model) {
    return {
      index: model.index,
      demoId: model.demoId,
      runId: model.runId,
      phase: model.phase,
      source: model.source,
      lines: model.lines.slice(-WINDOW_LINES),
      total: model.total,
      hidden: model.total - Math.min(model.total, WINDOW_LINES),
      status: model.status ? { text: model.status.text, kind: model.status.kind } : null,
      elapsedS: model.elapsedS,
      exit: model.exit,
      timing: Object.assign({}, model.timing),
    };
  }

  /* Text as the runner sent it: a line, or part of one (the demo paused mid-line),
     which the next text of the same stream continues. */
  function addLine(model, stream, text) {
    var last = model.lines[model.lines.length - 1];
    if (last && last.stream === stream && !endsLine(last.text)) {
      model.lines[model.lines.length - 1] = { stream: stream, text: cut(last.text + text) };
      return;
    }
    model.lines.push({ stream: stream, text: cut(text) });
    model.total += 1;
    // Trim in batches: one splice per WINDOW_LINES lines, not one per line.
    if (model.lines.length > 2 * WINDOW_LINES) model.lines.splice(0, model.lines.length - WINDOW_LINES);
  }

  function endsLine(text) {
    return text.charAt(text.length - 1) === "\n";
  }

  function cut(text) {
    if (text.length <= LINE_CHARS) return text;
    return text.slice(0, LINE_CHARS) + " \u2026" + (endsLine(text) ? "\n" : "");
  }

  function startLive(model) {
    runCount += 1;
    model.runId = runCount;
    model.phase = "running";
    model.source = "live";
    model.lines = [];
    model.total = 0;
    model.exit = null;
    model.startedAt = performance.now();
    model.timing = { clickAt: model.startedAt };
    model.elapsedS = 0;
    model.status = null;
  }

  /* Back to the recording (or to nothing, without one), with at most one line of status. */
  function restore(model, text, kind) {
    model.runId = 0;
    model.phase = "idle";
    model.source = model.recorded.length ? "recorded" : "none";
    model.lines = model.recorded.slice(-WINDOW_LINES);
    model.total = model.recorded.length;
    model.status = text ? { text: text, kind: kind || "info" } : null;
  }

  function finish(model, text, kind) {
    model.phase = "done";
    model.status = { text: text, kind: kind };
  }

  function runningText(seconds) {
    return "running \u00b7 " + seconds.toFixed(1) + " s";
  }

  function describeExit(exit) {
    var text = "exit " + exit.code + " \u00b7 " + exit.elapsed_s.toFixed(2) + " s";
    if (exit.timed_out) text += " \u00b7 timed out";
    if (exit.truncated) text += " \u00b7 output cut short";
    return text;
  }

  /* ---- Drawing: the same for the main deck and a speaker-view mirror. ---- */

  var screens = new WeakMap(); // demo element -> what its DOM shows now

  function parts(demo) {
    var output = demo.querySelector(".demo-output");
    var stream = output.querySelector(".demo-stream");
    if (!stream) {
      stream = element("pre", "demo-stream");
      output.insertBefore(stream, output.firstChild);
    }
    var hidden = output.querySelector(".demo-hidden");
    if (!hidden) {
      hidden = element("p", "demo-hidden");
      hidden.hidden = true;
      output.insertBefore(hidden, stream);
    }
    return {
      output: output,
      stream: stream,
      hidden: hidden,
      note: output.querySelector(".demo-recorded-note"),
      button: demo.querySelector(".demo-run"),
    };
  }

  /* A line of its own at the foot of the output: .demo-progress while running,
     .demo-status for how it ended; one at a time, in the same place and size. */
  function setLine(output, className, status) {
    var line = output.querySelector("." + className);
    if (!status) {
      if (line) line.remove();
      return;
    }
    if (!line) {
      line = element("p", className);
      line.setAttribute("role", "status");
      output.appendChild(line);
    }
    if (line.textContent !== status.text) line.textContent = status.text;
    line.dataset.kind = status.kind;
  }

  /* Show view (a snapshot) in demo: only the lines it has not drawn yet are added,
     and the oldest go, so the page holds at most WINDOW_LINES of them. */
  function draw(demo, view) {
    var p = parts(demo);
    var screen = screens.get(demo) || { runId: 0, total: view.total };
    var follow = nearBottom(p.output);
    if (screen.runId !== view.runId || screen.total > view.total) {
      p.stream.textContent = "";
      screen = { runId: view.runId, total: 0 };
    }
    // A line drawn unfinished may have grown since: it is drawn again.
    if (screen.open && p.stream.lastChild) {
      p.stream.removeChild(p.stream.lastChild);
      screen.total -= 1;
    }
    var fresh = Math.min(view.total - screen.total, view.lines.length);
    if (fresh > 0) {
      var lines = view.lines.slice(-fresh);
      var first = lines.length;
      for (var chars = 0; first > 0 && chars < WINDOW_CHARS; first--) chars += lines[first - 1].text.length;
      var batch = document.createDocumentFragment();
      for (var i = first; i < lines.length; i++) {
        batch.appendChild(element("span", lines[i].stream, lines[i].text));
      }
      p.stream.appendChild(batch);
      trim(p.stream);
    }
    screen.total = view.total;
    var tail = view.lines[view.lines.length - 1];
    screen.open = Boolean(tail) && !endsLine(tail.text) && p.stream.lastChild !== null;
    screens.set(demo, screen);

    var hidden = view.total - p.stream.childElementCount;
    p.hidden.hidden = hidden <= 0;
    if (hidden > 0) p.hidden.textContent = hidden + " earlier lines hidden";
    p.output.dataset.source = view.source;
    if (p.note) p.note.hidden = view.source !== "recorded";
    var running = view.phase === "running";
    setLine(p.output, "demo-progress", running ? { text: runningText(view.elapsedS), kind: "running" } : null);
    setLine(p.output, "demo-status", view.status);
    demo.classList.toggle("demo-running", running);
    if (p.button) {
      p.button.textContent = running ? "Stop" : "Run";
      p.button.setAttribute("aria-pressed", String(running));
    }
    if (follow || fresh > 0) p.output.scrollTop = p.output.scrollHeight;
  }

  /* The oldest lines go until at most WINDOW_LINES lines and WINDOW_CHARS characters stay. */
  function trim(stream) {
    var chars = stream.textContent.length;
    var excess = stream.childElementCount - WINDOW_LINES;
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

  /* Output that comes after a quiet spell is drawn at once (a line a second
     shows without delay); output that keeps coming is drawn once per frame. */
  function changed(demo) {
    pending.add(demo);
    if (frame) return;
    if (performance.now() - lastFlush >= FRAME_MS) {
      frame = { timer: null, request: null };
      queueMicrotask(flush);
      return;
    }
    // Whichever comes first: a frame, or a timeout where frames do not come.
    frame = { timer: setTimeout(flush, FRAME_FALLBACK_MS), request: requestAnimationFrame(flush) };
  }

  function flush() {
    if (frame) {
      clearTimeout(frame.timer);
      if (frame.request !== null) cancelAnimationFrame(frame.request);
      frame = null;
    }
    lastFlush = performance.now();
    var due = Array.from(pending);
    pending.clear();
    due.forEach(function (demo) {
      var view = snapshot(models.get(demo));
      draw(demo, view);
      notify(view);
    });
  }

  /* Draw now, not at the next frame: a click must show its effect at once. */
  function drawNow(demo) {
    pending.add(demo);
    flush();
  }

  function notify(view) {
    subscribers.slice().forEach(function (listener) {
      try {
        listener(view);
      } catch (error) {
        // A listener in a window that has gone (a closed speaker view) is dropped.
        unsubscribe(listener);
      }
    });
  }

  function unsubscribe(listener) {
    subscribers = subscribers.filter(function (other) { return other !== listener; });
  }

  /* ---- Running: the request, its event stream, its end. ---- */

  /* Server-sent events from a fetch() body (EventSource cannot POST), parsed
     as the HTML standard says: lines end in CRLF, LF or CR; "data:" fields
     join with LF; a blank line dispatches the event. */
  function eventParser(onEvent) {
    var buffer = "";
    var name = "";
    var data = [];
    function line(text) {
      if (text === "") {
        if (data.length) onEvent(name || "message", data.join("\n"));
        name = "";
        data = [];
        return;
      }
      if (text.charAt(0) === ":") return;
      var colon = text.indexOf(":");
      var field = colon < 0 ? text : text.slice(0, colon);
      var value = colon < 0 ? "" : text.slice(colon + 1);
      if (value.charAt(0) === " ") value = value.slice(1);
      if (field === "event") name = value;
      else if (field === "data") data.push(value);
    }
    return function feed(chunk) {
      buffer += chunk;
      // One pass over the chunk, one slice at the end: a megabyte arriving at
      // once is read in linear time. A trailing CR may be half of a CRLF still
      // on its way: wait for more.
      var pattern = /\r\n|\n|\r(?!$)/g;
      var start = 0;
      var match;
      while ((match = pattern.exec(buffer)) !== null) {
        line(buffer.slice(start, match.index));
        start = match.index + match[0].length;
      }
      buffer = buffer.slice(start);
    };
  }

  function nextTask() {
    return new Promise(function (resolve) { setTimeout(resolve, 0); });
  }

  async function readStream(demo, model, response) {
    var exit = null;
    var feed = eventParser(function (name, data) {
      if (name === "stdout" || name === "stderr") {
        if (!model.timing.firstOutputAt) model.timing.firstOutputAt = performance.now();
        addLine(model, name, data);
        changed(demo);
      } else if (name === "exit") {
        model.timing.exitAt = performance.now();
        exit = JSON.parse(data);
      }
    });
    var reader = response.body.getReader();
    var decoder = new TextDecoder();
    for (;;) {
      var result = await reader.read();
      if (result.done) break;
      var text = decoder.decode(result.value, { stream: true });
      // A large read is parsed a slice per task, so that frames (and a click on
      // Stop) get their turn in between.
      for (var start = 0; start < text.length; start += FEED_SLICE) {
        if (start > 0) await nextTask();
        feed(text.slice(start, start + FEED_SLICE));
      }
    }
    feed(decoder.decode() + "\n\n");
    return exit;
  }

  async function problem(response) {
    // Our runner answers errors in JSON; anything else (a static host's 404 or
    // 405 page) means there is no runner behind this page.
    var type = response.headers.get("content-type") || "";
    if (type.indexOf("application/json") !== 0) return null;
    try {
      return (await response.json()).detail || null;
    } catch (error) {
      return null;
    }
  }

  function needsDatabase(demo) {
    return demo.dataset.needsDatabase === "true";
  }

  function databaseDownIn(health) {
    return Boolean(health && health.database && health.database.reachable === false);
  }

  async function databaseDownNow() {
    try {
      var response = await fetch("api/health", { cache: "no-store" });
      lastHealth = response.ok ? await response.json() : lastHealth;
    } catch (error) {
      return false;
    }
    return databaseDownIn(lastHealth);
  }

  function keepRecording(model) {
    var recorded = model.recorded.length > 0;
    restore(model, recorded ? DATABASE_DOWN : NOT_RUN_DATABASE_DOWN, recorded ? "recorded" : "error");
  }

  async function run(demo) {
    var model = models.get(demo);
    if (model.controller) return;
    if (!served) {
      restore(model, NO_RUNNER, "error");
      drawNow(demo);
      return;
    }
    // The health poll already knows the database is down: the recording stays.
    if (needsDatabase(demo) && databaseDownIn(lastHealth)) {
      keepRecording(model);
      drawNow(demo);
      return;
    }
    var controller = new AbortController();
    model.controller = controller;
    startLive(model);
    drawNow(demo);
    var ticker = setInterval(function () {
      if (model.phase !== "running") return;
      model.elapsedS = (performance.now() - model.startedAt) / 1000;
      changed(demo);
    }, TICK_MS);
    try {
      var url = "api/demos/" + encodeURIComponent(demo.dataset.demoId) + "/run";
      var request = { url: url, init: { method: "POST", signal: controller.signal } };
      // Code edited on the slide (assets/editor.js) runs through its own request.
      var edited = window.TalkEditor ? window.TalkEditor.request(demo) : null;
      if (edited) {
        request.url = edited.url;
        request.init.headers = edited.headers;
        request.init.body = edited.body;
      }
      if (requestHook) request = requestHook(demo, request) || request;
      var response = await fetch(request.url, request.init);
      if (!response.ok || !response.body) {
        restore(model, (await problem(response)) || NO_RUNNER, "error");
        return;
      }
      var exit = await readStream(demo, model, response);
      model.exit = exit;
      if (!exit) finish(model, "the runner closed the stream before the demo ended", "error");
      else if (exit.code !== 0 && needsDatabase(demo) && (await databaseDownNow())) keepRecording(model);
      else finish(model, describeExit(exit), exit.code === 0 ? "ok" : "error");
    } catch (error) {
      if (!controller.signal.aborted) restore(model, NO_RUNNER, "error");
      // Stopped before anything came: as if never run, the recording back in place.
      else if (model.total === 0 && model.recorded.length) restore(model, null);
      else finish(model, "stopped", "info");
    } finally {
      clearInterval(ticker);
      model.controller = null;
      if (model.phase === "running") model.phase = "done";
      drawNow(demo);
      model.timing.drawnAt = performance.now();
    }
  }

  /* Aborting the fetch closes the connection; the runner then stops the demo. */
  function stop(demo) {
    var model = models.get(demo);
    if (model && model.controller) model.controller.abort();
  }

  function toggle(demo) {
    var model = models.get(demo);
    if (model && model.controller) stop(demo);
    else if (model) run(demo);
  }

  /* ---- The API: by index, by element, or the demo on the current slide. ---- */

  function currentDemo() {
    var slide = window.Reveal && Reveal.getCurrentSlide ? Reveal.getCurrentSlide() : null;
    return slide ? slide.querySelector(".demo[data-demo-id]") : demos[0] || null;
  }

  function resolve(ref) {
    if (ref === undefined || ref === null) return currentDemo();
    if (typeof ref === "number") return demos[ref] || null;
    return models.has(ref) ? ref : null;
  }

  var api = {
    /* Start the demo (the current slide's by default); resolves when the run has ended. */
    run: function (ref) {
      var demo = resolve(ref);
      return demo ? run(demo) : Promise.resolve();
    },
    stop: function (ref) {
      var demo = resolve(ref);
      if (demo) stop(demo);
    },
    toggle: function (ref) {
      var demo = resolve(ref);
      if (demo) toggle(demo);
    },
    /* What the demo shows now: { index, demoId, phase, source, lines, total, hidden, status, ... }. */
    state: function (ref) {
      var demo = resolve(ref);
      return demo ? snapshot(models.get(demo)) : null;
    },
    /* listener(state) after every change that is drawn; returns the function that ends it. */
    subscribe: function (listener) {
      subscribers.push(listener);
      return function () { unsubscribe(listener); };
    },
    /* The index of a demo element (or of the current slide's demo), -1 if none. */
    indexOf: function (ref) {
      var demo = resolve(ref);
      return demo ? demos.indexOf(demo) : -1;
    },
    /* hook(demo, { url, init }) -> { url, init }: how a run is requested (e.g. edited code). */
    setRequestHook: function (hook) {
      requestHook = hook;
    },
  };

  /* ---- A speaker-view preview: the main deck runs, this frame shows and asks. ---- */

  function mainDeck() {
    try {
      var host = window.parent !== window ? window.parent.opener : null;
      return host && host.talkRunner && host !== window ? host.talkRunner : null;
    } catch (error) {
      return null; // another origin: nothing to drive
    }
  }

  /* Our stylesheet for the speaker view itself (a same-origin file: the page's
     own CSP allows it), added once by whichever preview frame loads first. */
  function styleSpeakerView() {
    try {
      var view = window.parent.document;
      if (!view.querySelector("#speaker-controls") || view.getElementById("talk-speaker-css")) return;
      var link = view.createElement("link");
      link.id = "talk-speaker-css";
      link.rel = "stylesheet";
      link.href = new URL("assets/speaker.css", location.href).href;
      view.head.appendChild(link);
    } catch (error) {
      // not inside a speaker view
    }
  }

  /* The current-slide frame (the one reveal.js posts events from) also writes
     the run's status into the speaker view's controls, large. */
  function speakerStatus() {
    if (!/(?:\?|&)postMessageEvents=true/.test(location.search)) return null;
    try {
      var view = window.parent.document;
      var controls = view.querySelector("#speaker-controls");
      if (!controls) return null;
      var line = view.getElementById("talk-run-status") || view.createElement("div");
      line.id = "talk-run-status";
      line.setAttribute("role", "status");
      controls.insertBefore(line, controls.firstChild);
      return line;
    } catch (error) {
      return null;
    }
  }

  /* The speaker view's line: the demo on this slide, and its run now or its end. */
  function describe(line, view) {
    var running = view && view.phase === "running";
    var status = running ? { text: runningText(view.elapsedS), kind: "running" } : view && view.status;
    line.textContent = status ? view.demoId + ": " + status.text : "";
    line.dataset.kind = status ? status.kind : "";
  }

  function mirror(host) {
    var line = speakerStatus();
    function show(view) {
      var demo = demos[view.index];
      if (demo && demo.dataset.demoId === view.demoId) draw(demo, view);
      var current = currentDemo();
      if (line && current && demos.indexOf(current) === view.index) describe(line, view);
    }
    demos.forEach(function (demo, index) {
      var view = host.state(index);
      if (view) show(view);
    });
    var end = host.subscribe(show);
    window.addEventListener("pagehide", end);
    if (line && window.Reveal && Reveal.on) {
      Reveal.on("slidechanged", function () {
        var current = currentDemo();
        describe(line, current ? host.state(demos.indexOf(current)) : null);
      });
    }
  }

  /* ---- The page: buttons, the R key, the runner badge. ---- */

  function act(demo) {
    var host = preview ? mainDeck() : null;
    if (host) host.toggle(demos.indexOf(demo));
    else toggle(demo);
  }

  function addButton(demo) {
    var button = element("button", "demo-run", "Run");
    button.type = "button";
    button.title = "Run this demo (R); click again to stop it";
    button.setAttribute("aria-pressed", "false");
    button.addEventListener("click", function (event) {
      event.stopPropagation();
      act(demo);
    });
    demo.insertBefore(button, demo.firstChild);
  }

  function bindKey() {
    function onKey() {
      var demo = currentDemo();
      if (demo) act(demo);
    }
    if (window.Reveal && Reveal.addKeyBinding) {
      Reveal.addKeyBinding(RUN_KEY, onKey);
      return;
    }
    document.addEventListener("keydown", function (event) {
      if (event.keyCode === RUN_KEY.keyCode && !event.ctrlKey && !event.metaKey &&
          !event.altKey && !/^(INPUT|TEXTAREA|SELECT)$/.test(event.target.tagName)) {
        onKey();
      }
    });
  }

  /* A small fixed badge: is there a runner, and can the demos reach the database? */
  function addIndicator() {
    var badge = element("div", "runner-indicator");
    badge.setAttribute("aria-live", "polite");
    var runner = element("span", "runner-state", "runner");
    var database = element("span", "database-state", "database");
    badge.appendChild(runner);
    badge.appendChild(database);
    document.body.appendChild(badge);

    function show(runnerUp, health) {
      runner.dataset.up = String(runnerUp);
      runner.title = runnerUp ? "runner: ok" : NO_RUNNER;
      var db = health && health.database;
      database.dataset.up = db ? String(db.reachable) : "unknown";
      // Hook (author): name the embedded fallback, so nobody mistakes it for the server.
      database.textContent = db && db.backend === "sqlite" ? "database: SQLite" : "database";
      database.title = !db ? "database: unknown without a runner"
        : db.fallback ? "SQLite, the embedded fallback, because " + db.fallback +
          "; `docker compose up -d mysql` starts MySQL"
        : db.url + (db.reachable ? ": reachable" : ": " + (db.error || "unreachable"));
    }

    async function poll() {
      try {
        var response = await fetch("api/health", { cache: "no-store" });
        var health = response.ok ? await response.json() : null;
        lastHealth = health;
        show(Boolean(health && health.runner === "ok"), health);
      } catch (error) {
        lastHealth = null;
        show(false, null);
      }
    }

    show(false, null);
    if (!served) return;
    poll();
    setInterval(poll, HEALTH_EVERY_MS);
  }

  function start() {
    demos = Array.prototype.slice.call(document.querySelectorAll(".demo[data-demo-id]"));
    demos.forEach(function (demo, index) {
      models.set(demo, createModel(demo, index));
      addButton(demo);
    });
    bindKey();
    window.talkRunner = api;
    if (preview) {
      styleSpeakerView();
      var host = mainDeck();
      if (host) {
        mirror(host);
        return;
      }
    }
    addIndicator();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
