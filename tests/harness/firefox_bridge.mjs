// Firefox for the Python tests: puppeteer-core over WebDriver BiDi (no geckodriver),
// driven by one JSON request per line on stdin, answered by one JSON line on stdout.
//
//   node firefox_bridge.mjs /usr/bin/firefox-esr
//   {"id": 1, "op": "open", "url": "...", "width": 1280, "height": 720}
//   {"id": 1, "result": "w1"}     or     {"id": 1, "error": "..."}
//
// A window ("w1") is a page or a frame in one; tests/harness/engines.py is the
// other side. Stdin closing ends the browser and this process.
import readline from "node:readline";
import puppeteer from "puppeteer-core";

const browser = await puppeteer.launch({
  browser: "firefox",
  executablePath: process.argv[2],
  headless: true,
});
const windows = new Map();
let named = 0;

function remember(target) {
  named += 1;
  windows.set(`w${named}`, target);
  return `w${named}`;
}

function windowOf(request) {
  const target = windows.get(request.window);
  if (!target) throw new Error(`no window ${request.window}`);
  return target;
}

function pageOf(target) {
  return typeof target.page === "function" ? target.page() : target;
}

const ops = {
  async version() {
    return browser.version();
  },
  async open({ url, width, height }) {
    const page = await browser.newPage();
    await page.setViewport({ width, height });
    await page.goto(url);
    return remember(page);
  },
  async evaluate(request) {
    const call = `(${request.script})(${JSON.stringify(request.arg ?? null)})`;
    return windowOf(request).evaluate(call);
  },
  async press(request) {
    await pageOf(windowOf(request)).keyboard.press(request.key);
    return null;
  },
  async click(request) {
    await windowOf(request).click(request.selector);
    return null;
  },
  async screenshot(request) {
    await pageOf(windowOf(request)).screenshot({ path: request.path });
    return null;
  },
  // A key that opens a window (the speaker view's S): the new page.
  async popup(request) {
    const page = pageOf(windowOf(request));
    const opened = new Promise((resolve) => page.once("popup", resolve));
    await page.keyboard.press(request.key);
    return remember(await opened);
  },
  // The frames of a window whose URL holds a text, in document order.
  async frames(request) {
    const page = pageOf(windowOf(request));
    return page
      .frames()
      .filter((frame) => frame.url().includes(request.url))
      .map(remember);
  },
  async close(request) {
    await pageOf(windowOf(request)).close();
    return null;
  },
};

const lines = readline.createInterface({ input: process.stdin });
for await (const line of lines) {
  const request = JSON.parse(line);
  let answer;
  try {
    answer = { id: request.id, result: (await ops[request.op](request)) ?? null };
  } catch (error) {
    answer = { id: request.id, error: String(error && error.message ? error.message : error) };
  }
  process.stdout.write(JSON.stringify(answer) + "\n");
}
await browser.close();
