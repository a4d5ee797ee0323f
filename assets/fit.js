/* Fit by construction: every code slide shows its whole excerpt and a fixed
   output area, with no scrolling, at any screen size.

   reveal.js lays a slide out in its own 1280x720 pixels and scales the result
   to the screen, so a fit found once, in slide pixels, holds on every
   projector. Every code slide has the same grid (deck.css): the code in the
   main column, the output under it at the code's size, Run and the run's status
   in the aside. This chooses one thing per slide, the size of the code and its
   output, from CODE_PX (25 px: 24 px on screen at 1280x720, for 12 lines of 64
   characters, the talk's limit) down to FLOOR_PX for an excerpt or an output
   over that limit: the first size at which every line of the code shows, and
   under it every line of the output: the recorded output, or without a
   recording the output budget of its demo (what it printed when last recorded,
   as data-output-budget). The demo's height is then fixed (its style's height),
   so the output area is a place a live run streams into that does not move.

   A slide nothing fits gets data-fit="overflow" and a console error naming it;
   fit-check.js's TalkFit.problems names it, and the browser tests fail on it.
   The contract with deck.css: .demo is a grid whose code and output take
   --code-size. A classic script, not an ES module: the copy opened from disk
   fits its slides too, and browsers load no module from file://. */
(function () {
  "use strict";

  var CODE_PX = 25; // x 0.96 (reveal's scale at 1280x720) = 24 px on screen
  var FLOOR_PX = 12; // only for an excerpt or output over the limit, until it is trimmed
  var MIN_OUTPUT_LINES = 3; // the room a slide without a recording keeps for a run

  function px(value) {
    return parseFloat(value) || 0;
  }

  function overflows(box) {
    return box.scrollHeight > box.clientHeight + 1 || box.scrollWidth > box.clientWidth + 1;
  }

  /* Measuring needs a laid-out slide: show a hidden one (and its stack) for the
     moment, without a paint in between, and put it back as reveal.js had it. */
  function measurable(section, work) {
    var changed = [];
    for (var node = section; node && node.tagName === "SECTION"; node = node.parentElement) {
      if (getComputedStyle(node).display === "none") {
        changed.push([node, node.style.display]);
        node.style.display = "block";
      }
    }
    try {
      return work();
    } finally {
      changed.forEach(function (pair) { pair[0].style.display = pair[1]; });
    }
  }

  /* The height the demo may take: the slide, less its padding, what sits above
     the demo and what follows it (a fragment, a line of text). */
  function demoHeight(section, demo) {
    var style = getComputedStyle(section);
    var slideHeight = section.offsetHeight || px(style.height);
    var after = 0;
    for (var next = demo.nextElementSibling; next; next = next.nextElementSibling) {
      if (getComputedStyle(next).display === "none") continue;
      var margins = getComputedStyle(next);
      after += next.offsetHeight + px(margins.marginTop) + px(margins.marginBottom);
    }
    var demoMargin = px(getComputedStyle(demo).marginBottom);
    return Math.floor(slideHeight - px(style.paddingBottom) - demo.offsetTop - demoMargin - after);
  }

  /* Lines of the given lengths, in words, as real output wraps (monospace): a
     line wraps before a word that does not fit, so the words are long ones. */
  function filler(lengths) {
    var words = "xxxxxxxxxxxxxxx ".repeat(20);
    return lengths.map(function (n) {
      return words.repeat(Math.ceil(n / words.length)).slice(0, n);
    }).join("\n") + "\n";
  }

  /* The height the output needs. Without a recording, a live run's room comes from
     the demo's budget (runner/deck/budgets.py): the lines it printed when last
     recorded, on each kind of database; the largest is reserved. */
  function outputRoom(output) {
    var budget = output.dataset.source === "none" && output.dataset.outputBudget;
    if (!budget) return output.scrollHeight;
    var stream = output.querySelector(".demo-stream");
    var kept = Array.prototype.slice.call(stream.childNodes);
    var most = 0;
    JSON.parse(budget).forEach(function (lengths) {
      stream.textContent = filler(lengths);
      most = Math.max(most, output.scrollHeight);
    });
    stream.replaceChildren.apply(stream, kept);
    return most;
  }

  function intersect(a, b) {
    var width = Math.min(a.right, b.right) - Math.max(a.left, b.left);
    var height = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
    return width > 1 && height > 1;
  }

  function minimumOutput(size) {
    return Math.ceil(MIN_OUTPUT_LINES * size * 1.2 + 16);
  }

  /* Whether code and output both show whole at this size. */
  function fitsAt(demo, parts, size) {
    demo.style.setProperty("--code-size", size + "px");
    if (overflows(parts.code)) return false;
    if (parts.output.clientHeight < minimumOutput(size)) return false;
    return outputRoom(parts.output) <= parts.output.clientHeight + 1;
  }

  function fitSlide(section, force) {
    var demo = section.querySelector(".demo");
    var parts = {
      code: demo.querySelector(".demo-code .highlight"),
      output: demo.querySelector(".demo-output"),
    };
    if (!parts.code || !parts.output) return;
    return measurable(section, function () {
      var fitFor = demo.dataset.fitFor;
      // The height itself, not a custom property: WebKit then left the grid's rows
      // as they were at 0 px for the first size tried.
      demo.style.height = "0px";
      var height = demoHeight(section, demo);
      demo.style.height = height + "px";
      // Refits (on load, once fonts are in) cost nothing when the room is the same.
      demo.dataset.fitFor = height + "x" + demo.clientWidth;
      if (fitFor === demo.dataset.fitFor && !force) return;
      for (var size = CODE_PX; size >= FLOOR_PX; size--) {
        if (fitsAt(demo, parts, size)) {
          section.dataset.fit = "ok";
          return;
        }
      }
      section.dataset.fit = "overflow";
      console.error("fit.js: the code slide '" + title(section) + "' cannot fit: " +
        "shorten its excerpt with a # region, or its output");
    });
  }

  function title(section) {
    var heading = section.querySelector("h1, h2, h3");
    var demo = section.querySelector(".demo");
    if (heading) return heading.textContent.replace("\u00b6", "").trim();
    return demo ? demo.dataset.demoId : "(untitled)";
  }

  /* force: fit again even where the room is the same (the fonts have changed). */
  function fitAll(force) {
    var demos = document.querySelectorAll(".reveal .slides section .demo");
    Array.prototype.forEach.call(demos, function (demo) {
      fitSlide(demo.closest("section"), force === true);
    });
    document.documentElement.dataset.fitted = "true";
  }

  // Now, and again once pictures above a demo and fonts have their final size.
  // In ?print-pdf, reveal.js measures its pages after the load event and a
  // frame: these fits come first.
  // Once the fonts are in, every slide again: a fallback font's wider or taller
  // glyphs may have made the first fit choose a smaller size for the same room.
  fitAll();
  window.addEventListener("load", function () { fitAll(true); });
  if (document.fonts && document.fonts.ready) {
    document.fonts.ready.then(function () { fitAll(true); });
  }
  // A hook for fit-check.js (which adds `problems`), the browser tests and `talk pdf`.
  window.TalkFit = {
    fitAll: fitAll,
    title: title,
    overflows: overflows,
    intersect: intersect,
    CODE_PX: CODE_PX,
  };
})();
