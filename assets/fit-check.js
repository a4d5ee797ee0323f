/* The check of a fitted slide (fit.js): what a presenter would trip over, in
   words. The browser tests and `talk pdf` ask it of every slide, in the same
   measures fit.js fits with, so the fit and its check never disagree.

   An ES module, as is every script of ours that the copy opened from disk can
   do without. fit.js is a classic script (that copy fits its slides too, and
   browsers load no module from file://), so its measures come from
   window.TalkFit, to which this adds `problems`. */

const fit = window.TalkFit;

function describe(node) {
  if (node.classList.contains("highlight")) return "the code box";
  if (node.classList.contains("demo-output")) return "the output box";
  return `a <${node.tagName.toLowerCase()}>`;
}

function boxesOf(section) {
  const boxes = [];
  for (const child of section.children) {
    if (child.tagName === "ASIDE" || getComputedStyle(child).display === "none") continue;
    if (child.classList.contains("demo")) {
      boxes.push(...child.querySelectorAll(".demo-code .highlight, .demo-output"));
    } else {
      boxes.push(child);
    }
  }
  return boxes;
}

/* What a presenter would trip over on this slide, in words: a box hiding
   lines, boxes overlapping, anything outside the slide. Empty when none. */
function problems(section) {
  const found = [];
  if (section.dataset.fit === "overflow") found.push("nothing fits its code and output");
  const frame = section.getBoundingClientRect();
  const boxes = boxesOf(section);
  for (const box of section.querySelectorAll(".highlight, .demo-output")) {
    if (fit.overflows(box)) found.push(`${describe(box)} hides content`);
  }
  const rects = boxes.map((box) => box.getBoundingClientRect());
  for (const item of section.querySelectorAll(".demo-aside > *")) {
    if (!item.getClientRects().length) continue; // hidden (print)
    const area = item.getBoundingClientRect();
    rects.forEach((rect, i) => {
      if (fit.intersect(area, rect)) found.push(`the aside's ${item.className} covers ${describe(boxes[i])}`);
    });
  }
  const slack = 1;
  rects.forEach((rect, i) => {
    if (
      rect.left < frame.left - slack ||
      rect.top < frame.top - slack ||
      rect.right > frame.right + slack ||
      rect.bottom > frame.bottom + slack
    ) {
      found.push(`${describe(boxes[i])} sits outside the slide`);
    }
    for (let j = i + 1; j < rects.length; j++) {
      if (fit.intersect(rect, rects[j])) found.push(`${describe(boxes[i])} overlaps ${describe(boxes[j])}`);
    }
  });
  return found;
}

// A hook for the browser tests and `talk pdf`, which evaluate TalkFit.problems(slide).
fit.problems = problems;
