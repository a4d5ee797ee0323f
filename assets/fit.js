/* Fit by construction: every code slide shows its whole excerpt and a fixed
   output area, with no scrolling, at any screen size.

   reveal.js lays a slide out in its own 1280x720 pixels and scales the result
   to the screen, so a fit found once, in slide pixels, holds on every
   projector. For each demo slide this tries layouts from the most legible
   down: code above its output, then code beside it; in each, the code's size from
   CODE_MAX_PX down to CODE_FLOOR_PX (20 px on screen at 1280x720), the
   output's from OUTPUT_MAX_PX to OUTPUT_FLOOR_PX. The first that shows every
   line of the code and of the (recorded) output, plus a status line, wins.
   The output area's height is then fixed in --output-height, so a live run
   streams into a place that does not move.

   A slide nothing fits gets data-fit="overflow" and a console error naming it;
   the browser test fails on it. The contract with deck.css: .demo is a grid
   whose sizes come from --demo-height, --output-height, --code-width,
   --code-size, --output-size and --foot-height, and data-layout="stack" | "side". */
(function () {
  "use strict";

  var CODE_MAX_PX = 24;
  var CODE_FLOOR_PX = 21; // x 0.96 (reveal's scale at 1280x720) = 20 px on screen
  var OUTPUT_MAX_PX = 20;
  var OUTPUT_FLOOR_PX = 15;
  var MIN_OUTPUT_LINES = 4; // the room a slide without a recording keeps for a run
  var MIN_SIDE_OUTPUT_PX = 240; // the output column's narrowest width, beside the code
  var GAP_PX = 10;
  var BUTTON_CLEARANCE_PX = 6; // code ending nearer the Run button than this touches it
  var FOOT_PX = 44; // the status line's row under a side-by-side demo: 26 px text
  var STATUS_PROBE = "exit 0 \u00b7 0.00 s"; // what a finished run writes under its output

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

  /* The output's content height with a status line under it, the note hidden, as
     during a run; or with the recorded note and no status, as before one. */
  function outputNeeds(output) {
    var note = output.querySelector(".demo-recorded-note");
    var hadStatus = output.querySelector(".demo-status");
    var probe = null;
    if (!hadStatus) {
      probe = document.createElement("p");
      probe.className = "demo-status";
      probe.textContent = STATUS_PROBE;
      output.appendChild(probe);
    }
    var noteHidden = note ? note.hidden : false;
    if (note) note.hidden = true;
    var running = output.scrollHeight;
    if (note) note.hidden = noteHidden;
    if (probe) probe.remove();
    return Math.max(running, output.scrollHeight);
  }

  function intersect(a, b) {
    var width = Math.min(a.right, b.right) - Math.max(a.left, b.left);
    var height = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
    return width > 1 && height > 1;
  }

  /* Where the Run button (runner.js) floats, at its widest: it reads Stop
     during a run. Code must keep clear of its left and bottom edges too: a
     line that ends where the button begins reads as hidden under it (WebKit
     lays monospace wider than Chromium, and met the button there). */
  function buttonArea(button) {
    var label = button.textContent;
    var areas = [label, "Stop"].map(function (text) {
      button.textContent = text;
      return button.getBoundingClientRect();
    });
    button.textContent = label;
    var clearance = BUTTON_CLEARANCE_PX * scaleOf(button.closest(".demo"));
    return {
      left: Math.min(areas[0].left, areas[1].left) - clearance,
      right: Math.max(areas[0].right, areas[1].right),
      top: Math.min(areas[0].top, areas[1].top),
      bottom: Math.max(areas[0].bottom, areas[1].bottom) + clearance,
    };
  }

  /* The first code line the Run button sits on, or 0: it floats over the code
     box's top right corner, clear only of lines that end before it. */
  function coveredLine(demo) {
    var button = demo.querySelector(".demo-run");
    if (!button || !button.getClientRects().length) return 0; // none, or hidden (print)
    var area = buttonArea(button);
    var lines = demo.querySelectorAll(".demo-code pre > span[id]");
    for (var i = 0; i < lines.length; i++) {
      var rects = lines[i].getClientRects();
      for (var j = 0; j < rects.length; j++) {
        if (intersect(rects[j], area)) return i + 1;
      }
    }
    return 0;
  }

  /* Screen pixels per slide pixel: reveal.js scales the slide to the window. */
  function scaleOf(demo) {
    return demo.getBoundingClientRect().width / demo.offsetWidth || 1;
  }

  function minimumOutput(outputSize) {
    return Math.ceil(MIN_OUTPUT_LINES * outputSize * 1.3 + 24);
  }

  function apply(demo, layout, codeSize, outputHeight, codeWidth) {
    demo.dataset.layout = layout;
    demo.style.setProperty("--code-size", codeSize + "px");
    demo.style.setProperty("--output-height", outputHeight + "px");
    if (codeWidth) demo.style.setProperty("--code-width", codeWidth + "px");
    else demo.style.removeProperty("--code-width");
  }

  /* The largest output size at which the output, and a status line, show whole. */
  function fitOutput(demo, output, outputHeight) {
    for (var outputSize = OUTPUT_MAX_PX; outputSize >= OUTPUT_FLOOR_PX; outputSize--) {
      if (outputHeight < minimumOutput(outputSize)) continue;
      demo.style.setProperty("--output-size", outputSize + "px");
      if (outputNeeds(output) <= output.clientHeight) return true;
    }
    return false;
  }

  /* Code above, output below at full width: the code keeps its natural height. */
  function tryStack(demo, parts, height, codeSize) {
    apply(demo, "stack", codeSize, Math.max(height - GAP_PX - 40, 0), 0);
    var outputHeight = height - GAP_PX - (parts.code.scrollHeight + 2); // + its border
    if (outputHeight < minimumOutput(OUTPUT_FLOOR_PX)) return false;
    apply(demo, "stack", codeSize, outputHeight, 0);
    if (overflows(parts.code) || coveredLine(demo)) return false;
    return fitOutput(demo, parts.output, outputHeight);
  }

  /* Code on the left, as wide as its longest line; the output fills the rest,
     and the status line runs under both (deck.css), FOOT_PX high. */
  function trySide(demo, parts, height, width, codeSize) {
    var rowHeight = height - GAP_PX - FOOT_PX;
    demo.style.setProperty("--foot-height", FOOT_PX + "px");
    apply(demo, "side", codeSize, rowHeight, Math.floor(width / 2));
    var codeWidth = parts.code.scrollWidth + 2;
    apply(demo, "side", codeSize, rowHeight, codeWidth);
    if (coveredLine(demo)) {
      var area = buttonArea(demo.querySelector(".demo-run"));
      codeWidth += Math.ceil((area.right - area.left) / scaleOf(demo)) + 8; // room for it
      apply(demo, "side", codeSize, rowHeight, codeWidth);
    }
    if (width - GAP_PX - codeWidth < MIN_SIDE_OUTPUT_PX || overflows(parts.code)) return false;
    return fitOutput(demo, parts.output, rowHeight);
  }

  function fitSlide(section) {
    var demo = section.querySelector(".demo");
    var parts = {
      code: demo.querySelector(".demo-code .highlight"),
      output: demo.querySelector(".demo-output"),
    };
    if (!parts.code || !parts.output) return;
    return measurable(section, function () {
      var fitFor = demo.dataset.fitFor;
      demo.style.setProperty("--demo-height", "0px");
      var height = demoHeight(section, demo);
      demo.style.setProperty("--demo-height", height + "px");
      var width = demo.clientWidth;
      // Refits (on load, once fonts are in) cost nothing when the room is the same.
      demo.dataset.fitFor = height + "x" + width;
      if (fitFor === demo.dataset.fitFor) return;
      // Output at full width under the code reads best; beside it is the fallback.
      for (var codeSize = CODE_MAX_PX; codeSize >= CODE_FLOOR_PX; codeSize--) {
        if (tryStack(demo, parts, height, codeSize)) return fitted(section);
      }
      for (codeSize = CODE_MAX_PX; codeSize >= CODE_FLOOR_PX; codeSize--) {
        if (trySide(demo, parts, height, width, codeSize)) return fitted(section);
      }
      section.dataset.fit = "overflow";
      console.error("fit.js: the code slide '" + title(section) + "' cannot fit: " +
        "shorten its excerpt with a # region, or its output");
    });
  }

  function fitted(section) {
    section.dataset.fit = "ok";
  }

  function title(section) {
    var heading = section.querySelector("h1, h2, h3");
    var demo = section.querySelector(".demo");
    if (heading) return heading.textContent.replace("\u00b6", "").trim();
    return demo ? demo.dataset.demoId : "(untitled)";
  }

  function fitAll() {
    var demos = document.querySelectorAll(".reveal .slides section .demo");
    Array.prototype.forEach.call(demos, function (demo) {
      fitSlide(demo.closest("section"));
    });
    document.documentElement.dataset.fitted = "true";
  }

  function describe(node) {
    if (node.classList.contains("highlight")) return "the code box";
    if (node.classList.contains("demo-output")) return "the output box";
    return "a <" + node.tagName.toLowerCase() + ">";
  }

  function boxesOf(section) {
    var boxes = [];
    Array.prototype.forEach.call(section.children, function (child) {
      if (child.tagName === "ASIDE" || getComputedStyle(child).display === "none") return;
      if (child.classList.contains("demo")) {
        boxes.push.apply(boxes, child.querySelectorAll(".demo-code .highlight, .demo-output"));
      } else {
        boxes.push(child);
      }
    });
    return boxes;
  }

  /* What a presenter would trip over on this slide, in words: a box hiding
     lines, boxes overlapping, anything outside the slide. Empty when none.
     The browser tests and `talk pdf` ask this of every slide. */
  function problems(section) {
    var found = [];
    if (section.dataset.fit === "overflow") found.push("nothing fits its code and output");
    var frame = section.getBoundingClientRect();
    var boxes = boxesOf(section);
    var scrolling = section.querySelectorAll(".highlight, .demo-output");
    Array.prototype.forEach.call(scrolling, function (box) {
      if (overflows(box)) found.push(describe(box) + " hides content");
    });
    var demo = section.querySelector(".demo");
    var covered = demo ? coveredLine(demo) : 0;
    if (covered) found.push("the Run button covers code line " + covered);
    var rects = boxes.map(function (box) { return box.getBoundingClientRect(); });
    rects.forEach(function (rect, i) {
      var slack = 1;
      if (rect.left < frame.left - slack || rect.top < frame.top - slack ||
          rect.right > frame.right + slack || rect.bottom > frame.bottom + slack) {
        found.push(describe(boxes[i]) + " sits outside the slide");
      }
      for (var j = i + 1; j < rects.length; j++) {
        if (intersect(rect, rects[j])) {
          found.push(describe(boxes[i]) + " overlaps " + describe(boxes[j]));
        }
      }
    });
    return found;
  }

  // Now, and again once pictures above a demo and fonts have their final size.
  // In ?print-pdf, reveal.js measures its pages after the load event and a
  // frame: these fits come first.
  fitAll();
  window.addEventListener("load", fitAll);
  if (document.fonts && document.fonts.ready) document.fonts.ready.then(fitAll);
  window.TalkFit = { fitAll: fitAll, problems: problems, title: title };
})();
