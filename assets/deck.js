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
   own, so messages pass as reveal.js would pass them. */
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

  function next(event) {
    if (event && event.shiftKey && event.keyCode === 32) return Reveal.prev();
    if (Reveal.isOverview()) return Reveal.right();
    if (!atTheClose()) Reveal.next();
  }

  function down() {
    if (Reveal.isOverview()) return Reveal.down();
    if (!atTheClose()) Reveal.next();
  }

  options.keyboard = { 32: next, 34: next, 39: next, 76: next, 78: next, 40: down, 74: down };
  options.plugins = [RevealNotes];
  Reveal.initialize(options);
})();
