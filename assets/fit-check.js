/* The check of a fitted slide (fit.js): what a presenter would trip over, in
   words. The browser tests and `talk pdf` ask it of every slide, in the same
   measures fit.js fits with, so the fit and its check never disagree. */
(function () {
  "use strict";

  var fit = window.TalkFit;

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
      if (fit.overflows(box)) found.push(describe(box) + " hides content");
    });
    var demo = section.querySelector(".demo");
    var covered = demo ? fit.coveredLine(demo) : 0;
    if (covered) found.push("the Run button covers code line " + covered);
    var rects = boxes.map(function (box) { return box.getBoundingClientRect(); });
    rects.forEach(function (rect, i) {
      var slack = 1;
      if (rect.left < frame.left - slack || rect.top < frame.top - slack ||
          rect.right > frame.right + slack || rect.bottom > frame.bottom + slack) {
        found.push(describe(boxes[i]) + " sits outside the slide");
      }
      for (var j = i + 1; j < rects.length; j++) {
        if (fit.intersect(rect, rects[j])) {
          found.push(describe(boxes[i]) + " overlaps " + describe(boxes[j]));
        }
      }
    });
    return found;
  }

  fit.problems = problems;
})();
