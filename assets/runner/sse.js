/* Server-sent events from a fetch() body (EventSource cannot POST), parsed as
   the HTML standard says: lines end in CRLF, LF or CR; "data:" fields join with
   LF; a blank line dispatches the event. docs/wire.md is what the runner sends. */

const FEED_SLICE = 16384; // characters of the stream parsed in one task

/* The body could not be read to its end: the connection broke, or was aborted
   (the browser's error is its cause). What onEvent throws is not one of these. */
export class StreamFailed extends Error {}

/* feed(chunk) for chunks in the order they came; onEvent(name, data) per event. */
export function eventParser(onEvent) {
  let buffer = "";
  let name = "";
  let data = [];

  function line(text) {
    if (text === "") {
      if (data.length) onEvent(name || "message", data.join("\n"));
      name = "";
      data = [];
      return;
    }
    if (text.startsWith(":")) return;
    const colon = text.indexOf(":");
    const field = colon < 0 ? text : text.slice(0, colon);
    let value = colon < 0 ? "" : text.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    if (field === "event") name = value;
    else if (field === "data") data.push(value);
  }

  return function feed(chunk) {
    buffer += chunk;
    // One pass over the chunk, one slice at the end: a megabyte arriving at
    // once is read in linear time. A trailing CR may be half of a CRLF still
    // on its way: wait for more.
    const pattern = /\r\n|\n|\r(?!$)/g;
    let start = 0;
    let match;
    while ((match = pattern.exec(buffer)) !== null) {
      line(buffer.slice(start, match.index));
      start = match.index + match[0].length;
    }
    buffer = buffer.slice(start);
  };
}

function nextTask() {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/* Every event of a response body, to its end; a last event without its blank
   line is dispatched too. A large read is parsed a slice per task, so that
   frames (and a click on Stop) get their turn in between. A failed read rejects
   with StreamFailed; an exception of onEvent rejects as it was thrown. */
export async function readEvents(body, onEvent) {
  const feed = eventParser(onEvent);
  const reader = body.getReader();
  const decoder = new TextDecoder();
  for (;;) {
    let chunk;
    try {
      chunk = await reader.read();
    } catch (error) {
      throw new StreamFailed(String(error), { cause: error });
    }
    const { done, value } = chunk;
    if (done) break;
    const text = decoder.decode(value, { stream: true });
    for (let start = 0; start < text.length; start += FEED_SLICE) {
      if (start > 0) await nextTask();
      feed(text.slice(start, start + FEED_SLICE));
    }
  }
  feed(decoder.decode() + "\n\n");
}
