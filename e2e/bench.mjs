// The bundle and browser parts of `cargo xtask bench`: sizes of what a visitor downloads, and
// timings in headless Chromium on the demo page of a real `parlor serve`. Figures are written
// as JSON for the report; nothing here passes or fails on a number.
//
//   node e2e/bench.mjs --parts bundle,browser --out target/bench [--runs 5] [--messages 100]
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { brotliCompressSync, constants } from "node:zlib";
import { startParlor, launchChromium, startChat, signInConsole } from "./harness.mjs";

const args = process.argv.slice(2);
const flag = (name, fallback) => {
  const index = args.indexOf(`--${name}`);
  return index >= 0 ? args[index + 1] : fallback;
};
const parts = flag("parts", "bundle,browser").split(",");
const out = flag("out", "target/bench");
const runs = Number(flag("runs", "5"));
const messages = Number(flag("messages", "100"));
// One message every 250 ms at most: each also costs typing notices and read reports, and a
// socket may make 20 requests a second before the server holds it back (a 1 s pause).
const MESSAGE_GAP_MS = 250;
mkdirSync(out, { recursive: true });

// ---------------------------------------------------------------------------------------------
// Bundle: raw, `gzip -9 -n` and brotli (quality 11) sizes of each file the widget loads, and
// of the agent console's files beside them (no budget there, but the same care).

const WIDGET_ROLES = [
  [/^parlor\.js$/, "loader"],
  [/^parlor-widget\..*\.js$/, "glue"],
  [/^parlor-widget\..*\.wasm$/, "wasm"],
  [/^parlor\..*\.css$/, "css"],
];
// The chat module: fetched once the panel opens, not part of what reaches the form.
const CHAT_ROLES = [
  [/^parlor-chat\..*\.js$/, "glue"],
  [/^parlor-chat\..*\.wasm$/, "wasm"],
  [/^parlor-chat\..*\.css$/, "css"],
];
const CONSOLE_ROLES = [
  [/^index\.html$/, "page"],
  [/^boot\..*\.js$/, "boot"],
  [/^parlor-console\..*\.js$/, "glue"],
  [/^parlor-console\..*\.wasm$/, "wasm"],
  [/^console\..*\.css$/, "css"],
];

function bundle(dir, roles) {
  const files = [];
  for (const name of readdirSync(dir).sort()) {
    const role = roles.find(([pattern]) => pattern.test(name))?.[1];
    if (!role) continue;
    const bytes = readFileSync(join(dir, name));
    files.push({
      name,
      role,
      raw: bytes.length,
      gzip: execFileSync("gzip", ["-9", "-n", "-c"], { input: bytes, maxBuffer: 1 << 28 }).length,
      brotli: brotliCompressSync(bytes, {
        params: {
          [constants.BROTLI_PARAM_QUALITY]: 11,
          [constants.BROTLI_PARAM_LGWIN]: 24,
          [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
        },
      }).length,
    });
  }
  for (const [, role] of roles) {
    if (!files.some((f) => f.role === role)) throw new Error(`${dir} has no ${role} file: build it with \`cargo xtask build\``);
  }
  const total = { raw: 0, gzip: 0, brotli: 0 };
  for (const f of files) for (const k of Object.keys(total)) total[k] += f[k];
  return { files, total };
}

// Every run's sizes are kept in bench/sizes.csv (committed), so that the report shows how the
// weight moved from one change to the next.
const HISTORY = fileURLToPath(new URL("../bench/sizes.csv", import.meta.url));
// The chat module's columns came last, with the split into two modules; earlier rows have none.
const HISTORY_HEADER =
  "date,commit,widget_raw,widget_gzip,widget_brotli,console_raw,console_gzip,console_brotli,chat_raw,chat_gzip,chat_brotli";

function recordSizes(widget, consoleBundle, chat) {
  let commit = "";
  try {
    commit = execFileSync("git", ["rev-parse", "--short", "HEAD"], { encoding: "utf8" }).trim();
  } catch {
    // not a git checkout: the row goes without its commit
  }
  const rows = existsSync(HISTORY) ? readFileSync(HISTORY, "utf8").trim().split("\n").slice(1) : [];
  const row = [new Date().toISOString().slice(0, 10), commit, widget.total.raw, widget.total.gzip, widget.total.brotli,
    consoleBundle.total.raw, consoleBundle.total.gzip, consoleBundle.total.brotli,
    chat.total.raw, chat.total.gzip, chat.total.brotli].join(",");
  // A rerun of the same commit replaces its row instead of repeating it.
  const kept = rows.filter((r) => !commit || r.split(",")[1] !== commit);
  kept.push(row);
  writeFileSync(HISTORY, [HISTORY_HEADER, ...kept].join("\n") + "\n");
  const names = HISTORY_HEADER.split(",");
  return kept.map((r) => Object.fromEntries(r.split(",").map((v, i) => [names[i], i < 2 || v === "" ? v || null : Number(v)])));
}

// ---------------------------------------------------------------------------------------------
// Browser timings.

// Runs in every page before its own scripts: records long tasks, when the launcher was
// painted (its stylesheet loaded, then the next frame), when the widget became ready, and the
// first click.
const PROBE = () => {
  const bench = (window.__bench = { longTasks: [], painted: null, ready: null, click: null });
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) bench.longTasks.push({ start: e.startTime, duration: e.duration });
  }).observe({ type: "longtask", buffered: true });
  const afterPaint = (set) => requestAnimationFrame(() => setTimeout(set, 0));
  new MutationObserver((_, observer) => {
    const root = document.querySelector("[data-parlor-widget]")?.shadowRoot;
    const link = root?.querySelector("link[rel=stylesheet]");
    if (!root || !root.querySelector(".launcher") || !link) return;
    observer.disconnect();
    const painted = () => afterPaint(() => (bench.painted ??= performance.now()));
    if (link.sheet) painted();
    else link.addEventListener("load", painted, { once: true });
  }).observe(document, { childList: true, subtree: true });
  let parlor;
  Object.defineProperty(window, "Parlor", {
    configurable: true,
    get: () => parlor,
    set: (value) => {
      parlor = value;
      value.on?.("ready", () => (bench.ready ??= performance.now()));
    },
  });
  window.addEventListener("click", (e) => (bench.click ??= e.timeStamp), true);
};

const loaderStart = (page) =>
  page.evaluate(() => performance.getEntriesByName("parlor:loader-start")[0]?.startTime ?? null);

/** Waits until the open panel offers the demo's queues; answers when, in page time. */
const usable = (page) =>
  page.evaluate(
    () =>
      new Promise((resolve) => {
        const check = () => {
          const root = document.querySelector("[data-parlor-widget]")?.shadowRoot;
          const dialog = root?.querySelector("[role=dialog]");
          const queue = [...(dialog?.querySelectorAll("button") ?? [])].find((b) => b.textContent.trim() === "Sales" && !b.disabled);
          if (queue) requestAnimationFrame(() => setTimeout(() => resolve(performance.now()), 0));
          else requestAnimationFrame(check);
        };
        check();
      }),
  );

async function openPage(context, url) {
  const page = await context.newPage();
  await page.goto(url);
  await page.waitForFunction(() => window.__bench.painted !== null);
  return page;
}

/** Clicks the launcher as soon as it is painted; answers click → queues usable, in ms. */
async function clickToUsable(page) {
  await page.getByRole("button", { name: "Open chat" }).click();
  const ready = await usable(page);
  const click = await page.evaluate(() => window.__bench.click);
  return ready - click;
}

const longTasksBetween = (tasks, from, to) => tasks.filter((t) => t.start >= from && t.start < to);
const sum = (tasks) => ({
  count: tasks.length,
  total_ms: Math.round(tasks.reduce((s, t) => s + t.duration, 0)),
  max_ms: Math.round(tasks.reduce((m, t) => Math.max(m, t.duration), 0)),
});
const merge = (list) => ({
  count: list.reduce((s, t) => s + t.count, 0),
  total_ms: list.reduce((s, t) => s + t.total_ms, 0),
  max_ms: list.reduce((m, t) => Math.max(m, t.max_ms), 0),
});

function stats(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
  const round = (v) => Math.round(v * 10) / 10;
  return { count: sorted.length, median: round(at(0.5)), p99: round(at(0.99)), min: round(sorted[0]), max: round(sorted.at(-1)) };
}

// A slow mobile link as Chromium emulates it (Lighthouse's "slow 4G"): 1.6 Mbit/s down,
// 750 kbit/s up, 150 ms round trip.
const SLOW_LINK = { offline: false, latency: 150, downloadThroughput: 1_600_000 / 8, uploadThroughput: 750_000 / 8 };

/** Click → pre-chat form usable on the slow link, cold cache, the CPU slowed `cpu` times. */
async function slowOpen(browser, server, cpu) {
  const times = [];
  for (let run = 0; run < runs; run += 1) {
    const context = await browser.newContext();
    await context.addInitScript(PROBE);
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send("Network.enable");
    await cdp.send("Network.emulateNetworkConditions", SLOW_LINK);
    if (cpu > 1) await cdp.send("Emulation.setCPUThrottlingRate", { rate: cpu });
    await page.goto(`${server.url}/`, { timeout: 120_000 });
    await page.waitForFunction(() => window.__bench.painted !== null, null, { timeout: 120_000 });
    times.push(await clickToUsable(page));
    await context.close();
  }
  return stats(times);
}

async function pageTimings(browser, server) {
  const painted = [];
  const ready = [];
  const cold = [];
  const warm = [];
  const before = [];
  const after = [];
  const control = [];
  const url = `${server.url}/`;
  for (let run = 0; run < runs; run += 1) {
    // A new context has an empty cache: the first load is cold, the next one warm.
    const context = await browser.newContext();
    await context.addInitScript(PROBE);
    let page = await openPage(context, url);
    painted.push((await page.evaluate(() => window.__bench.painted)) - (await loaderStart(page)));
    cold.push(await clickToUsable(page));
    await page.close();
    page = await openPage(context, url);
    warm.push(await clickToUsable(page));
    await page.close();
    await context.close();

    // Left alone, the widget loads when the page is idle: its long tasks before and after
    // the visitor opens it.
    const idle = await browser.newContext();
    await idle.addInitScript(PROBE);
    page = await openPage(idle, url);
    await page.waitForFunction(() => window.__bench.ready !== null);
    await page.waitForTimeout(1000);
    const start = await loaderStart(page);
    const readyAt = await page.evaluate(() => window.__bench.ready);
    ready.push(readyAt - start);
    await page.getByRole("button", { name: "Open chat" }).click();
    const usableAt = await usable(page);
    await page.waitForTimeout(500);
    const tasks = await page.evaluate(() => window.__bench.longTasks);
    const clickAt = await page.evaluate(() => window.__bench.click);
    before.push(sum(longTasksBetween(tasks, 0, clickAt)));
    after.push(sum(longTasksBetween(tasks, clickAt, usableAt + 500)));
    await idle.close();

    // The same page without the widget, as long: the host page's own long tasks.
    const bare = await browser.newContext();
    await bare.addInitScript(PROBE);
    await bare.route("**/widget/parlor.js", (route) => route.fulfill({ contentType: "text/javascript", body: "" }));
    page = await bare.newPage();
    await page.goto(url);
    await page.waitForTimeout(1000 + readyAt);
    control.push(sum(await page.evaluate(() => window.__bench.longTasks)));
    await bare.close();
  }
  return {
    runs,
    launcher_painted_ms: stats(painted),
    widget_ready_ms: stats(ready),
    open_cold_ms: stats(cold),
    open_warm_ms: stats(warm),
    open_slow_link_ms: await slowOpen(browser, server, 1),
    open_slow_link_cpu4_ms: await slowOpen(browser, server, 4),
    long_tasks: { control: merge(control), before_open: merge(before), after_open: merge(after) },
  };
}

// Message latency: the visitor on the demo page, Alice in the console. Each side records, in
// epoch milliseconds of the shared clock, when Enter went down on a numbered message and when
// the other side's numbered message appeared on screen.
const LATENCY_PROBE = ({ incoming, shadow }) => {
  const bench = (window.__latency = { sent: {}, seen: {} });
  const origin = performance.timeOrigin;
  window.addEventListener(
    "keydown",
    (e) => {
      const value = e.composedPath()[0]?.value ?? "";
      const match = /^(?:v2a|a2v)-(\d+)$/.exec(value);
      if (e.key === "Enter" && match) bench.sent[match[1]] ??= origin + e.timeStamp;
    },
    true,
  );
  const pattern = new RegExp(`${incoming}-(\\d+)`, "g");
  const scan = () => {
    const now = origin + performance.now();
    const root = shadow ? document.querySelector("[data-parlor-widget]").shadowRoot : document.body;
    for (const m of root.textContent.matchAll(pattern)) bench.seen[m[1]] ??= now;
  };
  const target = shadow ? document.querySelector("[data-parlor-widget]").shadowRoot : document.body;
  new MutationObserver(scan).observe(target, { childList: true, subtree: true, characterData: true });
};

async function messageLatency(browser, server) {
  const { page: consolePage } = await signInConsole(browser, server, 0);

  const visitorPage = await browser.newPage();
  const panel = await startChat(visitorPage, server, "Sales", "Bench Visitor", "bench@example.com");
  const request = consolePage.locator(".request").filter({ hasText: "Bench Visitor" });
  await request.getByRole("button", { name: "Accept" }).click();
  await panel.getByText("Alice joined the chat").waitFor();

  await visitorPage.evaluate(LATENCY_PROBE, { incoming: "a2v", shadow: true });
  await consolePage.evaluate(LATENCY_PROBE, { incoming: "v2a", shadow: false });
  const visitorBox = panel.getByLabel("Message", { exact: true });
  const agentBox = consolePage.getByLabel("Reply");

  async function send(box, to, prefix, i) {
    const next = Date.now() + MESSAGE_GAP_MS;
    await box.fill(`${prefix}-${i}`);
    await box.press("Enter");
    await to.waitForFunction((i) => window.__latency.seen[i] !== undefined, i);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, next - Date.now())));
  }
  const collect = async (fromPage, toPage) => {
    const sent = await fromPage.evaluate(() => window.__latency.sent);
    const seen = await toPage.evaluate(() => window.__latency.seen);
    return Object.keys(sent).filter((i) => seen[i] !== undefined).map((i) => seen[i] - sent[i]);
  };
  for (let i = 0; i < messages; i += 1) await send(visitorBox, consolePage, "v2a", i);
  for (let i = 0; i < messages; i += 1) await send(agentBox, visitorPage, "a2v", i);
  const result = {
    to_agent: stats(await collect(visitorPage, consolePage)),
    to_visitor: stats(await collect(consolePage, visitorPage)),
  };
  await visitorPage.close();
  await consolePage.close();
  return result;
}

// ---------------------------------------------------------------------------------------------

if (parts.includes("bundle")) {
  const result = bundle(process.env.PARLOR_WIDGET_DIR ?? "pkg", WIDGET_ROLES);
  result.chat = bundle(process.env.PARLOR_WIDGET_DIR ?? "pkg", CHAT_ROLES);
  result.console = bundle(process.env.PARLOR_CONSOLE_DIR ?? "console/dist", CONSOLE_ROLES);
  result.history = recordSizes(result, result.console, result.chat);
  writeFileSync(join(out, "bundle.json"), JSON.stringify(result, null, 2));
  console.error(`bench: widget ${result.total.raw} B raw, ${result.total.gzip} B gzip, ${result.total.brotli} B brotli`);
  console.error(`bench: chat module ${result.chat.total.raw} B raw, ${result.chat.total.gzip} B gzip`);
  console.error(`bench: console ${result.console.total.raw} B raw, ${result.console.total.gzip} B gzip`);
}

if (parts.includes("browser")) {
  const server = await startParlor();
  const browser = await launchChromium();
  try {
    const result = await pageTimings(browser, server);
    console.error(`bench: page timings over ${runs} runs done`);
    result.latency = await messageLatency(browser, server);
    console.error(`bench: ${messages} messages each way done`);
    writeFileSync(join(out, "browser.json"), JSON.stringify(result, null, 2));
  } finally {
    await browser.close();
    await server.stop();
  }
}
