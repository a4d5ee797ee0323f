/* The model of one demo's run: what it shows, whatever window draws it. Plain
   data and functions of it, no DOM and no clock of its own (the time is passed
   in), so that it runs the same in the page and under `node --test`. */

export const WINDOW_LINES = 200; // what a projector can show of a flood, and then some
const LINE_CHARS = 2000; // a longer line is cut: one huge line costs as much as many

/* recorded: [{ stream, text }] as built into the page; source: "recorded" or "none". */
export function createModel({ index, demoId, recorded, source }) {
  return {
    index,
    demoId,
    recorded,
    runId: 0, // 0: the recording (or nothing); each run gets a new id
    phase: "idle", // idle | running | done
    source: source === "recorded" ? "recorded" : "none",
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

/* What a window needs to draw the model, copied: listeners may keep it. */
export function snapshot(model) {
  return {
    index: model.index,
    demoId: model.demoId,
    runId: model.runId,
    phase: model.phase,
    source: model.source,
    lines: model.lines.slice(-WINDOW_LINES),
    total: model.total,
    hidden: model.total - Math.min(model.total, WINDOW_LINES),
    status: model.status ? { ...model.status } : null,
    elapsedS: model.elapsedS,
    exit: model.exit,
    timing: { ...model.timing },
  };
}

export function endsLine(text) {
  return text.endsWith("\n");
}

function cut(text) {
  if (text.length <= LINE_CHARS) return text;
  return text.slice(0, LINE_CHARS) + " \u2026" + (endsLine(text) ? "\n" : "");
}

/* Text as the runner sent it: a line, or part of one (the demo paused mid-line),
   which the next text of the same stream continues. */
export function addLine(model, stream, text) {
  const last = model.lines[model.lines.length - 1];
  if (last && last.stream === stream && !endsLine(last.text)) {
    model.lines[model.lines.length - 1] = { stream, text: cut(last.text + text) };
    return;
  }
  model.lines.push({ stream, text: cut(text) });
  model.total += 1;
  // Trim in batches: one splice per WINDOW_LINES lines, not one per line.
  if (model.lines.length > 2 * WINDOW_LINES) {
    model.lines.splice(0, model.lines.length - WINDOW_LINES);
  }
}

/* Text as one event of the runner brought it: whole lines, as many as came
   together (docs/wire.md), or part of one. Each line goes in as if it had come
   alone; of a flood, the lines beyond any window are counted, not kept. */
export function addText(model, stream, text) {
  if (!text) return;
  const lines = text.split(/(?<=\n)/);
  const keep = 2 * WINDOW_LINES;
  let next = 0;
  if (lines.length > keep + 1) {
    addLine(model, stream, lines[0]); // it may end a line left unfinished
    next = lines.length - keep;
    model.total += next - 1;
  }
  for (; next < lines.length; next++) addLine(model, stream, lines[next]);
}

export function startLive(model, runId, now) {
  Object.assign(model, {
    runId,
    phase: "running",
    source: "live",
    lines: [],
    total: 0,
    exit: null,
    startedAt: now,
    timing: { clickAt: now },
    elapsedS: 0,
    status: null,
  });
}

export function tick(model, now) {
  model.elapsedS = (now - model.startedAt) / 1000;
}

/* Back to the recording (or to nothing, without one), with at most one line of status. */
export function restore(model, text = null, kind = "info") {
  model.runId = 0;
  model.phase = "idle";
  model.source = model.recorded.length ? "recorded" : "none";
  model.lines = model.recorded.slice(-WINDOW_LINES);
  model.total = model.recorded.length;
  model.status = text ? { text, kind } : null;
}

export function finish(model, text, kind) {
  model.phase = "done";
  model.status = { text, kind };
}

export function runningText(seconds) {
  return `running \u00b7 ${seconds.toFixed(1)} s`;
}

export function describeExit(exit) {
  let text = `exit ${exit.code} \u00b7 ${exit.elapsed_s.toFixed(2)} s`;
  if (exit.timed_out) text += " \u00b7 timed out";
  if (exit.truncated) text += " \u00b7 output cut short";
  return text;
}
