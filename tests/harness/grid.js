/* The code-slide grid as the room sees it, measured in one pass over every slide
   (the appendix's too), each shown in turn: a function of no argument, evaluated
   in any engine (tests/harness/engines.py). For each code slide: the code's and
   the output's font size on screen (computed size times reveal.js's scale), the
   excerpt's size in lines and characters, the Run button's place in slide
   pixels, every overlay (slide number, arrows, badge, status, Run) that
   intersects the code or the output box, and every output row that starts
   inside a number. tests/harness/grid.py reads it. */
() => {
  const scale = Reveal.getScale();
  const visible = (node) => {
    if (!node) return false;
    const style = getComputedStyle(node);
    const box = node.getBoundingClientRect();
    return style.display !== "none" && style.visibility !== "hidden"
      && Number(style.opacity) > 0 && box.width > 0 && box.height > 0;
  };
  const intersect = (a, b) =>
    Math.min(a.right, b.right) - Math.max(a.left, b.left) > 1
    && Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 1;
  const named = (node) => node.className ? `${node.tagName.toLowerCase()}.${String(node.className).split(" ")[0]}` : node.tagName.toLowerCase();

  /* Where each output line wraps: a row that starts with a character whose
     neighbour before it is no space, and either of them a digit, splits a number. */
  function brokenNumbers(stream) {
    const found = [];
    for (const span of stream.querySelectorAll("span")) {
      const text = span.firstChild;
      if (!text || text.nodeType !== Node.TEXT_NODE) continue;
      const range = document.createRange();
      let top = null;
      for (let i = 0; i < text.length; i++) {
        range.setStart(text, i);
        range.setEnd(text, i + 1);
        const rects = range.getClientRects();
        if (!rects.length) continue;
        const rowTop = Math.round(rects[rects.length - 1].top);
        if (top !== null && rowTop > top + 2) {
          const before = text.data[i - 1] || " ";
          const after = text.data[i];
          if (!/\s/.test(before) && !/\s/.test(after) && /\d/.test(before + after)) {
            found.push(text.data.trim().slice(0, 60));
          }
        }
        top = rowTop;
      }
    }
    return found;
  }

  const overlaysNow = () => [
    ...document.querySelectorAll(
      ".reveal > .slide-number, .reveal > .controls button, .runner-indicator"
    ),
  ].filter(visible);

  return [...document.querySelectorAll(".reveal .slides section:not(.stack)")].flatMap((slide) => {
    const where = Reveal.getIndices(slide);
    Reveal.slide(where.h, where.v, Number.MAX_SAFE_INTEGER);
    const demo = slide.querySelector(".demo");
    if (!demo) return [];
    const frame = slide.getBoundingClientRect();
    const code = demo.querySelector(".demo-code .highlight");
    const pre = code.querySelector("pre");
    const output = demo.querySelector(".demo-output");
    const stream = output.querySelector(".demo-stream");
    const run = demo.querySelector(".demo-run");
    const lines = pre.textContent.replace(/\n$/, "").split("\n");
    const overlays = [
      ...overlaysNow(),
      ...[...demo.querySelectorAll(".demo-aside > *")].filter(visible),
    ];
    const covered = [];
    for (const overlay of overlays) {
      for (const [name, box] of [["code", code], ["output", output]]) {
        if (intersect(overlay.getBoundingClientRect(), box.getBoundingClientRect())) {
          covered.push(`${named(overlay)} on the ${name}`);
        }
      }
    }
    const runBox = run ? run.getBoundingClientRect() : null;
    return [{
      name: `${where.h}/${where.v} ${demo.dataset.demoId}`,
      lines: lines.length,
      columns: Math.max(...lines.map((line) => line.length)),
      codePx: parseFloat(getComputedStyle(pre).fontSize) * scale,
      outputPx: parseFloat(getComputedStyle(stream).fontSize) * scale,
      run: runBox && [
        Math.round((runBox.left - frame.left) / scale),
        Math.round((runBox.top - frame.top) / scale),
      ],
      covered,
      broken: brokenNumbers(stream),
    }];
  });
}
