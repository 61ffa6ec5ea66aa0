// The thin slice, end to end: the demo page served by `parlor serve`, in headless Chromium,
// opens the widget, which lists the queues the server has in its database.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startParlor, launchChromium, watchErrors } from "./harness.mjs";

let server;
let browser;

before(async () => {
  server = await startParlor();
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  const status = await server?.stop();
  // SIGTERM is a graceful shutdown: the process exits on its own, with success.
  assert.deepEqual(status, { code: 0, signal: null });
});

test("the demo page's launcher opens a panel listing the server's queues", async () => {
  const page = await browser.newPage();
  const errors = watchErrors(page);
  await page.goto(`${server.url}/`);

  await page.getByRole("button", { name: "Open chat" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByRole("heading", { name: "Parlor Demo" }).waitFor();

  const expected = server.facts.queues.map((q) => q.name);
  assert.deepEqual(expected, ["Sales", "Support"]);
  const shown = await dialog.getByRole("list").getByRole("button").allTextContents();
  assert.deepEqual(shown, expected);

  // The host page's rude global CSS (uppercase red buttons) does not reach into the widget.
  const transform = await dialog.getByRole("button", { name: "Sales" }).evaluate((b) => getComputedStyle(b).textTransform);
  assert.equal(transform, "none");

  // The panel closes again, and the launcher says what it will do next.
  await dialog.getByRole("button", { name: "Close chat" }).click();
  await page.getByRole("button", { name: "Open chat" }).waitFor();
  assert.equal(await page.getByRole("dialog").count(), 0);

  // Everything above ran under the demo page's strict Content-Security-Policy.
  assert.deepEqual(errors, []);
  await page.close();
});

test("window.Parlor.open() called before the widget loaded is replayed once it has", async () => {
  const page = await browser.newPage();
  const errors = watchErrors(page);
  // No idle time on this page: the widget loads only when something asks for it.
  await page.addInitScript(() => {
    window.requestIdleCallback = () => 0;
  });
  await page.goto(`${server.url}/`);
  await page.waitForFunction(() => window.Parlor && window.Parlor.version);
  assert.equal(await page.getByRole("dialog").count(), 0);
  await page.evaluate(() => {
    window.parlorEvents = [];
    window.Parlor.on("ready", () => window.parlorEvents.push("ready"));
    window.Parlor.on("opened", () => window.parlorEvents.push("opened"));
    window.Parlor.open();
  });
  await page.getByRole("dialog").getByRole("button", { name: "Support" }).waitFor();
  await page.waitForFunction(() => window.parlorEvents.includes("opened"));
  assert.deepEqual(await page.evaluate(() => window.parlorEvents), ["ready", "opened"]);
  assert.deepEqual(errors, []);
  await page.close();
});

test("an agent signs in to the console, after a wrong password is refused", async () => {
  const page = await browser.newPage();
  const errors = watchErrors(page);
  const alice = server.facts.agents[0];
  await page.goto(`${server.url}/console/`);
  await page.getByRole("heading", { name: "Sign in" }).waitFor();

  await page.getByLabel("Email").fill(alice.email);
  await page.getByLabel("Password").fill("not-the-password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("alert").filter({ hasText: "do not match" }).waitFor();

  await page.getByLabel("Password").fill(alice.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByText("Available", { exact: true }).waitFor();
  assert.equal(await page.locator(".topbar__who").innerText(), alice.email);

  // The refused attempt shows in the network log as a 401; nothing else may fail.
  assert.deepEqual(errors.filter((e) => !e.includes("401")), []);
  await page.close();
});
