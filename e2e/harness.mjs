// Shared by the end-to-end tests: a real `parlor serve` on a free port with a fresh data
// folder, and headless Chromium.
import { spawn, execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";

const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the end-to-end tests with \`cargo xtask test e2e\``);
  return value;
};

/** Starts `parlor serve` on 127.0.0.1:0 with a new demo portal; `stop()` ends it with SIGTERM. */
export async function startParlor() {
  const bin = env("PARLOR_BIN");
  const data = mkdtempSync(join(tmpdir(), "parlor-e2e-"));
  const facts = JSON.parse(execFileSync(bin, ["init", "--data", data, "--json"], { encoding: "utf8" }));
  const child = spawn(
    bin,
    ["serve", "--data", data, "--addr", "127.0.0.1:0",
      "--widget-dir", env("PARLOR_WIDGET_DIR"), "--console-dir", env("PARLOR_CONSOLE_DIR")],
    { stdio: ["ignore", "pipe", "inherit"] },
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
