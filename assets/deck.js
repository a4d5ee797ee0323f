/* Boots reveal.js with the options of the template's JSON block
   (<script type="application/json" id="reveal-config">), and lets only this
   deck's own windows talk to it.

   reveal.js obeys any window.postMessage that names one of its API methods,
   from any sender: a page on another site that frames or opens the deck could
   move it to a code slide and press R, and the deck would run the demo with
   its own same-origin request. The speaker view needs that API (it drives the
   deck and its previews with setState and triggerKey), so it stays on, behind
   the listener below: it runs before reveal.js and its notes plugin see a
   message and drops every one from another origin. Turning the API off in the
   options would not do: reveal.js lets the page's query string override them.
   Over file:// there is no runner to reach, and every file is an origin of its
   own, so messages pass as reveal.js would pass them.
   A classic script, not an ES module: the copy opened from disk needs it, and
   browsers load no module from file://. */
(function () {
  "use strict";

  var options = JSON.parse(document.getElementById("reveal-config").textContent);

  function fromThisDeck(event) {
    if (location.protocol === "file:") return true;
    return event.origin === location.origin && event.origin !== "null";
  }

  window.addEventListener(
    "message",
    function (event) {
      if (!fromThisDeck(event)) event.stopImmediatePropagation();
    },
    true
  );

  /* reveal.js's speaker view sends the main deck (setState) every state its
     current-slide preview posts that differs from the deck's last one: meant for
     the presenter navigating in the view, it also sends the preview's own changes.
     A preview still settling on the slide where S was pressed sent the deck back
     there after the presenter had moved it on (Firefox, 17 of 26 trials). So, in
     that preview, only a change the presenter made there (a key the view passes
     on, a click, a touch, a key in the frame) is let through to the view. */
  var STATE_EVENTS = [
    "slidechanged", "fragmentshown", "fragmenthidden", "paused", "resumed",
    "previewiframe", "previewimage", "previewvideo", "closeoverlay"
  ];

  function speakerViewOf(frame) {
    try {
      var view = frame.parent;
      if (view === frame || !view.document.getElementById("speaker-controls")) return null;
      return view;
    } catch (error) {
      return null; // another origin: not our speaker view
    }
  }

  function parsed(data) {
    try {
      return typeof data === "string" ? JSON.parse(data) : null;
    } catch (error) {
      return null;
    }
  }

  function onlyThePresentersMoves() {
    var view = speakerViewOf(window);
    if (!view || !/(?:\?|&)postMessageEvents=true(?:&|$)/.test(location.search)) return;
    var moved = []; // states of the presenter's changes, in the order posted
    var byPresenter = false;
    function presenterActs() {
      byPresenter = true;
      setTimeout(function () { byPresenter = false; }, 0);
    }
    window.addEventListener("message", function (event) {
      var data = event.source === view ? parsed(event.data) : null;
      if (data && data.method === "triggerKey") presenterActs();
    }, true);
    ["keydown", "click", "touchstart", "touchmove", "wheel"].forEach(function (name) {
      window.addEventListener(name, function (event) {
        if (event.isTrusted) presenterActs();
      }, { capture: true, passive: true });
    });
    STATE_EVENTS.forEach(function (name) {
      // Runs as reveal.js dispatches the event, just before it posts the same state.
      Reveal.on(name, function () {
        if (byPresenter) moved.push(JSON.stringify(Reveal.getState()));
      });
    });
    view.addEventListener("message", function (event) {
      if (event.source !== window) return;
      var data = parsed(event.data);
      if (!data || data.namespace !== "reveal" || STATE_EVENTS.indexOf(data.eventName) < 0) return;
      var at = moved.indexOf(JSON.stringify(data.state));
      if (at >= 0) moved.splice(at, 1);
      else event.stopImmediatePropagation();
    }, true);
  }
  onlyThePresentersMoves();

  // The talk ends at the closing slide: the appendix after it holds backup slides
  // for questions, reached from the overview (Esc) or their URL. A clicker's next
  // (PageDown, the arrows, space, N) stops there instead of walking into them.
  function atTheClose() {
    var slide = Reveal.getCurrentSlide();
    return (
      !Reveal.isOverview() &&
      slide !== undefined &&
      slide.classList.contains("talk-closing") &&
      !Reveal.availableFragments().next
    );
  }

  /* Space (and Enter) on a focused button press it, as anywhere else on the web:
     the Run button first, not the next slide. reveal.js prevents the default of
     the keys it handles, so the button is pressed once, here. */
  function pressFocused(event) {
    var focused = document.activeElement;
    if (!event || !focused || focused.tagName !== "BUTTON") return false;
    if (!focused.closest(".reveal .slides")) return false;
    focused.click();
    return true;
  }

  function next(event) {
    if (event && event.keyCode === 32 && pressFocused(event)) return;
    if (event && event.shiftKey && event.keyCode === 32) return Reveal.prev();
    if (Reveal.isOverview()) return Reveal.right();
    if (!atTheClose()) Reveal.next();
  }

  function down() {
    if (Reveal.isOverview()) return Reveal.down();
    if (!atTheClose()) Reveal.next();
  }

  // The core talk counts "12 / 40"; the appendix after it, uncounted, "A1", "A2", ...
  function slideNumber(slide) {
    if (slide && slide.classList.contains("appendix")) {
      var backups = Array.prototype.filter.call(
        document.querySelectorAll(".reveal .slides section.appendix"),
        function (section) { return !section.querySelector("section"); }
      );
      return ["A" + (backups.indexOf(slide) + 1)];
    }
    return [Reveal.getSlidePastCount(slide) + 1, "/", Reveal.getTotalSlides()];
  }

  // Only the slide on screen can be reached by Tab: the others, laid out by
  // reveal.js beside it, are inert (in the overview, every slide is a target).
  function inertHidden() {
    var overview = Reveal.isOverview();
    var present = Reveal.getCurrentSlide();
    Array.prototype.forEach.call(
      document.querySelectorAll(".reveal .slides section:not(.stack)"),
      function (slide) { slide.inert = !overview && slide !== present; }
    );
  }
  ["ready", "slidechanged", "overviewshown", "overviewhidden"].forEach(function (name) {
    Reveal.on(name, inertHidden);
  });

  // At the close, reveal.js's next arrow would lead into the appendix: deck.css hides it.
  function markTheClose() {
    Reveal.getRevealElement().classList.toggle("at-the-close", atTheClose());
  }
  ["ready", "slidechanged", "fragmentshown", "fragmenthidden", "overviewshown", "overviewhidden"]
    .forEach(function (name) { Reveal.on(name, markTheClose); });

  options.slideNumber = slideNumber;
  options.keyboard = { 32: next, 34: next, 39: next, 76: next, 78: next, 40: down, 74: down };
  options.plugins = [RevealNotes];
  Reveal.initialize(options);
})();
