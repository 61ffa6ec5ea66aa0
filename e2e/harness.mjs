// Shared by the end-to-end tests: a real `parlor serve` on a free port with a fresh data
// folder, and headless Chromium.
import { spawn, execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRequire } from "node:module";
import { before, after } from "node:test";
import { chromium } from "playwright-core";

const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the end-to-end tests with \`cargo xtask test e2e\``);
  return value;
};

/**
 * Starts `parlor serve` on 127.0.0.1:0 with a new demo portal (or, with `init` arguments such
 * as `["--portal", "Acme", "--admin-email", "a@example.com"]`, the portal they make); `stop()`
 * ends it with SIGTERM.
 */
export async function startParlor({ init = [], alone = false } = {}) {
  const data = mkdtempSync(join(tmpdir(), "parlor-e2e-"));
  // `alone`: the binary copied by itself into the empty data folder, serving what it embeds.
  let bin = env("PARLOR_BIN");
  if (alone) {
    copyFileSync(bin, join(data, "parlor"));
    bin = join(data, "parlor");
  }
  const bundles = alone ? [] : ["--widget-dir", env("PARLOR_WIDGET_DIR"), "--console-dir", env("PARLOR_CONSOLE_DIR")];
  const facts = JSON.parse(execFileSync(bin, ["init", "--data", data, ...init, "--json"], { encoding: "utf8", cwd: data }));
  const child = spawn(
    bin,
    // Webhooks may go to the tests' receivers on loopback.
    ["serve", "--data", data, "--addr", "127.0.0.1:0", "--webhook-allow-private", ...bundles],
    { stdio: ["ignore", "pipe", "inherit"], cwd: data, env: alone ? envWithout("PARLOR_WIDGET_DIR", "PARLOR_CONSOLE_DIR") : process.env },
  );
  const exited = new Promise((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
  const url = await new Promise((resolve, reject) => {
    let seen = "";
    const timer = setTimeout(() => reject(new Error(`parlor did not start: ${seen}`)), 30_000);
    child.stdout.on("data", (chunk) => {
      seen += chunk;
      const match = /parlor listening on (http:\/\/\S+)/.exec(seen);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    exited.then(({ code }) => reject(new Error(`parlor exited (${code}) before listening: ${seen}`)));
  });
  return {
    url,
    facts,
    data,
    bin,
    async stop() {
      child.kill("SIGTERM");
      const status = await exited;
      rmSync(data, { recursive: true, force: true });
      return status;
    },
  };
}

/** Headless Debian Chromium, with the flags this machine needs (no background networking). */
export function launchChromium() {
  return chromium.launch({
    executablePath: env("CHROMIUM"),
    args: [
      "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
      "--disable-component-update", "--disable-sync", "--disable-quic", "--no-first-run",
    ],
  });
}

/** Collects a page's uncaught errors, console errors and CSP violations, to assert none. */
export function watchErrors(page) {
  const errors = [];
  page.on("pageerror", (error) => errors.push(`pageerror: ${error.message}`));
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(`console: ${message.text()}`);
  });
  return errors;
}

/**
 * An agent speaking the protocol from a browser page on the server's origin (Node 20 has no
 * WebSocket): `request(service, body)` answers the reply, `push(service)` the next push.
 */
export async function agentSocket(browser, server, index) {
  const agent = server.facts.agents[index];
  const login = await fetch(`${server.url}/v1/agent/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email: agent.email, password: agent.password }),
  });
  const { access_token: token } = await login.json();
  const page = await browser.newPage();
  await page.goto(`${server.url}/health`);
  await page.evaluate(
    ({ url, token }) =>
      new Promise((resolve, reject) => {
        const ws = new WebSocket(url);
        window.frames_ = [];
        window.waiters_ = [];
        window.nextId_ = 1;
        ws.onmessage = (event) => {
          const frame = JSON.parse(event.data);
          window.frames_.push(frame);
          if (frame.service === 2) (frame.body.r === 0 ? resolve : reject)(frame.body);
        };
        ws.onopen = () => ws.send(JSON.stringify({ service: 2, body: { accesstoken: token, requestId: 0 } }));
        window.ws_ = ws;
      }),
    { url: `${server.url.replace("http", "ws")}/ws`, token },
  );
  return {
    userId: agent.user_id,
    page,
    /** Sends a request and waits for its reply. */
    request(service, body) {
      return page.evaluate(
        ({ service, body }) => {
          const id = window.nextId_++;
          window.ws_.send(JSON.stringify({ service, body: { ...body, requestId: id } }));
          return new Promise((resolve) => {
            const poll = () => {
              const reply = window.frames_.find((f) => f.service === service && f.body.requestId === id);
              if (reply) resolve(reply.body);
              else setTimeout(poll, 20);
            };
            poll();
          });
        },
        { service, body },
      );
    },
    /** Waits for (and takes) the next push of `service` matching `filter`'s fields. */
    push(service, filter = {}) {
      return page.evaluate(
        ({ service, filter }) =>
          new Promise((resolve) => {
            const poll = () => {
              const index = window.frames_.findIndex(
                (f) => f.service === service && f.body.requestId === undefined &&
                  Object.entries(filter).every(([k, v]) => JSON.stringify(f.body[k]) === JSON.stringify(v)),
              );
              if (index >= 0) resolve(window.frames_.splice(index, 1)[0].body);
              else setTimeout(poll, 20);
            };
            poll();
          }),
        { service, filter },
      );
    },
    close: () => page.close(),
  };
}

/** The `.eml` files in the server's outbox, oldest first. */
export function outbox(server) {
  const dir = join(server.data, "outbox");
  let names = [];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith(".eml")).sort();
  } catch {
    return [];
  }
  return names.map((n) => readFileSync(join(dir, n), "utf8"));
}

const AXE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

/**
 * Audits the open widget (or another `scope` of the page, e.g. the console's `body`) with
 * axe-core (WCAG 2.x A and AA rules, through shadow roots) and answers the violations, each as `rule: target` lines, empty when there are none. `errors` is
 * the page's error list (`watchErrors`).
 */
export async function auditWidget(page, errors, scope = "[data-parlor-widget]") {
  // axe adds inline styles of its own, which the demo page's policy refuses: what the audit
  // itself causes is not the widget's.
  const seen = errors.length;
  if (!(await page.evaluate(() => "axe" in window))) await page.evaluate(AXE);
  const violations = await page.evaluate(async (scope) => {
    const result = await window.axe.run(
      { include: [[scope]] },
      { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"] } },
    );
    return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => JSON.stringify(n.target)).join(", ")}`);
  }, scope);
  errors.splice(seen).forEach((e) => {
    if (!e.includes("Content Security Policy")) errors.push(e);
  });
  return violations;
}

/**
 * Wraps a journey's body: when it fails, every page still open in `browser` is saved as a
 * screenshot under `target/e2e-screenshots/` (named after the journey) before the failure is
 * reported, so that a red run shows what the visitor and the agent saw.
 */
export function keepScreenshots(getBrowser, body) {
  return async (t) => {
    const name = t.name;
    try {
      await body(t);
    } catch (error) {
      const dir = join(process.cwd(), "target", "e2e-screenshots");
      mkdirSync(dir, { recursive: true });
      const slug = name.replace(/[^a-z0-9]+/gi, "-").slice(0, 60);
      let index = 0;
      for (const context of getBrowser()?.contexts() ?? []) {
        for (const page of context.pages()) {
          index += 1;
          await page.screenshot({ path: join(dir, `${slug}-${index}.png`), fullPage: true }).catch(() => {});
        }
      }
      console.error(`screenshots of "${name}" kept in ${dir}`);
      throw error;
    }
  };
}

/**
 * Signs demo agent `index` in to the console in a new page of `browser` and waits until they
 * are available; answers the page and its error list (`watchErrors`).
 */
export async function signInConsole(browser, server, index) {
  const page = await browser.newPage();
  const errors = watchErrors(page);
  const agent = server.facts.agents[index];
  await page.goto(`${server.url}/console/`);
  await page.getByLabel("Email").fill(agent.email);
  await page.getByLabel("Password").fill(agent.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByText("Available", { exact: true }).waitFor();
  return { page, errors };
}

/**
 * Opens the demo page in `page`, opens the widget and starts a chat in `queue` as `name` and
 * `email`; answers the widget's panel.
 */
export async function startChat(page, server, queue, name, email) {
  await page.goto(`${server.url}/`);
  // The widget's module loads when the page is idle: wait for it, so that the click below is
  // the widget's own and not one racing the swap of the loader's placeholder launcher.
  await page.waitForFunction(() => document.querySelector("[data-parlor-widget]")?.shadowRoot.querySelector(".parlor-root"));
  await page.getByRole("button", { name: "Open chat" }).click();
  const panel = page.getByRole("dialog");
  await panel.getByRole("button", { name: queue }).click();
  await panel.getByLabel("Name").fill(name);
  await panel.getByLabel("Email").fill(email);
  await panel.getByRole("button", { name: "Start chat" }).click();
  return panel;
}

/** This process's environment without the named variables. */
function envWithout(...names) {
  const copy = { ...process.env };
  for (const name of names) delete copy[name];
  return copy;
}

/**
 * A test file's Parlor server and browser, started before its tests and stopped after them
 * (node:test hooks); answers an object whose `server` and `browser` are set once started.
 */
export function useParlor() {
  const parlor = { server: null, browser: null };
  before(async () => {
    parlor.server = await startParlor();
    parlor.browser = await launchChromium();
  });
  after(async () => {
    await parlor.browser?.close();
    await parlor.server?.stop();
  });
  return parlor;
}

/** The agent's console page accepts `name`'s chat request; waits until the visitor's panel says so. */
export async function acceptChat(agent, panel, name) {
  await agent.locator(".request").filter({ hasText: name }).getByRole("button", { name: "Accept" }).click();
  await panel.getByText("Alice joined the chat").last().waitFor();
}
