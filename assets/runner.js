/* Run on the slide: each demo gets a Run button (and the R key) that runs it
   through the local runner (`talk serve`) and streams its output into the
   slide as it prints. Without a runner (file://, a static host) the recorded
   output stays and Run says how to start one.

   The contract with the deck's template: a demo is
   <div class="demo" data-demo-id="ID" data-needs-database="true|false">, holding
   .demo-code, then .demo-output > pre.demo-stream with span.stdout/span.stderr.
   The wire format of the run stream is documented in runner/execution/events.py: each
   stdout/stderr event is text to append as is (a line with its newline, or a
   partial line), then one exit event with JSON data, last. */
(function () {
  "use strict";

  var NO_RUNNER = "No runner here: start one with `talk serve`";
  var HEALTH_EVERY_MS = 3000;
  var RUN_KEY = { keyCode: 82, key: "R", description: "Run or stop the demo on this slide" };
  var served = location.protocol === "http:" || location.protocol === "https:";
  var runs = new WeakMap(); // demo element -> AbortController of its run

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function parts(demo) {
    var output = demo.querySelector(".demo-output");
    var stream = output.querySelector(".demo-stream");
    if (!stream) {
      stream = element("pre", "demo-stream");
      output.insertBefore(stream, output.firstChild);
    }
    return { output: output, stream: stream, button: demo.querySelector(".demo-run") };
  }

  /* A line of its own below the output, for what the runner says about the run. */
  function setStatus(demo, text, kind) {
    var output = parts(demo).output;
    var status = output.querySelector(".demo-status");
    if (!status) {
      status = element("p", "demo-status");
      status.setAttribute("role", "status");
      output.appendChild(status);
    }
    status.textContent = text;
    status.dataset.kind = kind || "info";
    follow(output);
  }

  /* Keep the newest line in view by scrolling the output box itself: never
     scrollIntoView, which would move the slide. Only when the reader has not
     scrolled up to look at something earlier. */
  function follow(output) {
    output.scrollTop = output.scrollHeight;
  }

  function nearBottom(output) {
    return output.scrollHeight - output.scrollTop - output.clientHeight < 24;
  }

  function append(demo, stream, text) {
    var p = parts(demo);
    var atBottom = nearBottom(p.output);
    p.stream.appendChild(element("span", stream, text));
    if (atBottom) follow(p.output);
  }

  /* Live output replaces the recorded one, from the first thing the run sends. */
  function clearForLive(demo) {
    var p = parts(demo);
    p.stream.textContent = "";
    p.output.dataset.source = "live";
    var note = p.output.querySelector(".demo-recorded-note");
    if (note) note.hidden = true;
    var status = p.output.querySelector(".demo-status");
    if (status) status.remove();
  }

  function describeExit(exit) {
    var text = "exit " + exit.code + " \u00b7 " + exit.elapsed_s.toFixed(2) + " s";
    if (exit.timed_out) text += " \u00b7 timed out";
    if (exit.truncated) text += " \u00b7 output cut short";
    return text;
  }

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
      var match;
      // A trailing CR may be half of a CRLF still on its way: wait for more.
      var pattern = /\r\n|\n|\r(?!$)/;
      while ((match = pattern.exec(buffer)) !== null) {
        line(buffer.slice(0, match.index));
        buffer = buffer.slice(match.index + match[0].length);
      }
    };
  }

  async function readStream(demo, response) {
    var exit = null;
    var started = false;
    var feed = eventParser(function (name, data) {
      if (!started) {
        clearForLive(demo);
        started = true;
      }
      if (name === "stdout" || name === "stderr") append(demo, name, data);
      else if (name === "exit") exit = JSON.parse(data);
    });
    var reader = response.body.getReader();
    var decoder = new TextDecoder();
    for (;;) {
      var result = await reader.read();
      if (result.done) break;
      feed(decoder.decode(result.value, { stream: true }));
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

  async function run(demo) {
    if (!served) {
      setStatus(demo, NO_RUNNER, "error");
      return;
    }
    var controller = new AbortController();
    runs.set(demo, controller);
    var button = parts(demo).button;
    button.textContent = "Stop";
    button.setAttribute("aria-pressed", "true");
    demo.classList.add("demo-running");
    try {
      // Hook (author): code edited on the slide runs through assets/editor.js's request.
      var edited = window.TalkEditor ? window.TalkEditor.request(demo) : null;
      var url = edited ? edited.url : "api/demos/" + encodeURIComponent(demo.dataset.demoId) + "/run";
      var response = await fetch(url, edited ? { method: "POST", signal: controller.signal,
        headers: edited.headers, body: edited.body } : { method: "POST", signal: controller.signal });
      if (!response.ok || !response.body) {
        setStatus(demo, (await problem(response)) || NO_RUNNER, "error");
        return;
      }
      var exit = await readStream(demo, response);
      if (exit) setStatus(demo, describeExit(exit), exit.code === 0 ? "ok" : "error");
      else setStatus(demo, "the runner closed the stream before the demo ended", "error");
    } catch (error) {
      if (controller.signal.aborted) setStatus(demo, "stopped", "info");
      else setStatus(demo, NO_RUNNER, "error");
    } finally {
      runs.delete(demo);
      button.textContent = "Run";
      button.setAttribute("aria-pressed", "false");
      demo.classList.remove("demo-running");
    }
  }

  /* Aborting the fetch closes the connection; the runner then stops the demo. */
  function toggle(demo) {
    var controller = runs.get(demo);
    if (controller) controller.abort();
    else run(demo);
  }

  function currentDemo() {
    var slide = window.Reveal && Reveal.getCurrentSlide ? Reveal.getCurrentSlide() : null;
    return slide ? slide.querySelector(".demo") : document.querySelector(".demo");
  }

  function addButton(demo) {
    var button = element("button", "demo-run", "Run");
    button.type = "button";
    button.title = "Run this demo (R); click again to stop it";
    button.setAttribute("aria-pressed", "false");
    button.addEventListener("click", function (event) {
      event.stopPropagation();
      toggle(demo);
    });
    demo.insertBefore(button, demo.firstChild);
  }

  function bindKey() {
    function onKey() {
      var demo = currentDemo();
      if (demo) toggle(demo);
    }
    if (window.Reveal && Reveal.addKeyBinding) {
      Reveal.addKeyBinding(RUN_KEY, onKey);
      return;
    }
    if (window.Reveal && Reveal.on) {
      Reveal.on("ready", function () { Reveal.addKeyBinding(RUN_KEY, onKey); });
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
      database.title = db
        ? db.url + (db.reachable ? ": reachable" : ": " + (db.error || "unreachable"))
        : "database: unknown without a runner";
    }

    async function poll() {
      try {
        var response = await fetch("api/health", { cache: "no-store" });
        var health = response.ok ? await response.json() : null;
        show(Boolean(health && health.runner === "ok"), health);
      } catch (error) {
        show(false, null);
      }
    }

    show(false, null);
    if (!served) return;
    poll();
    setInterval(poll, HEALTH_EVERY_MS);
  }

  function start() {
    var demos = document.querySelectorAll(".demo[data-demo-id]");
    Array.prototype.forEach.call(demos, addButton);
    bindKey();
    addIndicator();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
