/* Step through code: each click highlights the next lines of a demo, as Go's
   `present` (// HL) and Slidev ({1|3-4}) do.

   A slide link ending in {2|4-5|all} (slides/README.md) gives its demo one
   empty reveal.js fragment per step, <span class="fragment demo-step"
   data-lines="4-5">; the build wraps each code line in a span with the id
   DEMO-line-N. The newest visible step decides: its lines stay bright and the
   others dim; "all", or no step yet, shows every line as it is. In the print
   view every line shows. A classic script, not an ES module: the copy opened
   from disk steps too, and browsers load no module from file://. */
(function () {
  "use strict";

  function lineNumbers(spec) {
    var numbers = {};
    spec.split(",").forEach(function (part) {
      var bounds = part.split("-").map(Number);
      for (var n = bounds[0]; n <= (bounds[1] || bounds[0]); n++) numbers[n] = true;
    });
    return numbers;
  }

  function show(demo) {
    var visible = demo.querySelectorAll(".demo-step.visible");
    var step = visible.length ? visible[visible.length - 1].dataset.lines : "all";
    var code = demo.querySelector(".demo-code");
    var lines = code.querySelectorAll("pre > span[id]");
    var bright = step === "all" ? null : lineNumbers(step);
    code.classList.toggle("demo-stepping", bright !== null);
    Array.prototype.forEach.call(lines, function (line) {
      var number = Number(line.id.slice(line.id.lastIndexOf("-") + 1));
      line.classList.toggle("demo-line-on", bright !== null && bright[number] === true);
    });
  }

  function update() {
    if (Reveal.isPrintView && Reveal.isPrintView()) return;
    var slide = Reveal.getCurrentSlide();
    var demo = slide && slide.querySelector(".demo");
    if (demo && demo.querySelector(".demo-step")) show(demo);
  }

  function start() {
    ["ready", "slidechanged", "fragmentshown", "fragmenthidden"].forEach(function (name) {
      Reveal.on(name, update);
    });
    if (Reveal.isReady()) update();
  }

  if (window.Reveal) start();
})();
