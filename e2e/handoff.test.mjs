// The widget's two modules: a visitor's browser loads the front (launcher, queue picker,
// pre-chat form) to reach the form, and the chat module takes over when they go past it, with
// what they typed. If the chat module cannot be fetched, the form is theirs again, filled in.
import { test } from "node:test";
import assert from "node:assert/strict";
import { agentSocket, useParlor, watchErrors } from "./harness.mjs";

const parlor = useParlor();

/**
 * An agent online (so that the queues take chats), and a demo page with no idle time (nothing
 * preloads) that records the wasm files it fetched.
 */
async function openPage() {
  const agent = await agentSocket(parlor.browser, parlor.server, 0);
  const page = await parlor.browser.newPage();
  const errors = watchErrors(page);
  const fetched = [];
  page.on("request", (request) => {
    const name = new URL(request.url()).pathname.split("/").pop();
    if (name.endsWith(".wasm")) fetched.push(name.split(".")[0]);
  });
  await page.addInitScript(() => {
    window.requestIdleCallback = () => 0;
  });
  await page.goto(`${parlor.server.url}/`);
  await page.waitForFunction(() => window.Parlor && window.Parlor.version);
  await page.evaluate(() => {
    window.parlorEvents = [];
    for (const name of ["ready", "opened", "closed", "chatStarted"]) {
      window.Parlor.on(name, () => window.parlorEvents.push(name));
    }
  });
  return { agent, page, errors, fetched };
}

test("the pre-chat form needs the front alone; starting the chat hands over to the chat module", async () => {
  const { agent, page, errors, fetched } = await openPage();
  await page.getByRole("button", { name: "Open chat" }).click();
  const panel = page.getByRole("dialog");
  await panel.getByRole("button", { name: "Support" }).click();
  await panel.getByLabel("Name").fill("Mai Handoff");
  await panel.getByLabel("Email").fill("mai@example.com");
  assert.deepEqual(fetched, ["parlor-widget"]);

  await panel.getByRole("button", { name: "Start chat" }).click();
  await panel.getByText("Connecting you…").waitFor();
  assert.deepEqual(fetched, ["parlor-widget", "parlor-chat"]);
  // One widget on the page, opened once, and the chat started in the queue picked.
  const roots = await page.evaluate(
    () => document.querySelector("[data-parlor-widget]").shadowRoot.querySelectorAll(".parlor-root").length,
  );
  assert.equal(roots, 1);
  await page.waitForFunction(() => window.parlorEvents.includes("chatStarted"));
  assert.deepEqual(await page.evaluate(() => window.parlorEvents), ["ready", "opened", "chatStarted"]);
  const saved = await page.evaluate(() => {
    const key = Object.keys(localStorage).find((k) => k.endsWith(".visitor"));
    return JSON.parse(localStorage.getItem(key));
  });
  const support = parlor.server.facts.queues.find((q) => q.name === "Support");
  assert.equal(saved.queue_id, support.id);
  assert.equal(saved.name, "Mai Handoff");

  // A reload with the chat in progress loads the chat module straight away.
  fetched.length = 0;
  await page.reload();
  await page.getByRole("button", { name: "Open chat" }).click();
  await panel.getByText("Connecting you…").waitFor();
  assert.deepEqual(fetched, ["parlor-chat"]);
  assert.deepEqual(errors, []);
  await page.close();
  await agent.page.close();
});

test("a chat module that fails to load leaves the visitor their filled-in form, to send again", async () => {
  const { agent, page, errors, fetched } = await openPage();
  let refused = 0;
  await page.route(/parlor-chat\.[^/]*\.wasm$/, (route) => {
    if (refused++ === 0) return route.abort();
    return route.continue();
  });
  await page.getByRole("button", { name: "Open chat" }).click();
  const panel = page.getByRole("dialog");
  await panel.getByRole("button", { name: "Sales" }).click();
  await panel.getByLabel("Name").fill("Bao Retry");
  await panel.getByLabel("Email").fill("bao@example.com");
  await panel.getByRole("button", { name: "Start chat" }).click();

  await panel.getByRole("alert").filter({ hasText: "Chat is unavailable right now" }).waitFor();
  assert.equal(await panel.getByLabel("Name").inputValue(), "Bao Retry");
  assert.equal(await panel.getByLabel("Email").inputValue(), "bao@example.com");
  await panel.getByRole("button", { name: "Start chat" }).click();
  await panel.getByText("Connecting you…").waitFor();
  assert.equal(refused, 2);
  assert.deepEqual(fetched, ["parlor-widget", "parlor-chat", "parlor-chat"]);
  // The failed fetch is the only error the page saw.
  assert.ok(errors.length > 0 && errors.every((e) => e.includes("failed to load") || e.includes("Failed to load resource")), errors.join("\n"));
  await page.close();
  await agent.page.close();
});

test("what the page says of its visitor fills the form, and the chat module hears it too", async () => {
  const { agent, page, errors } = await openPage();
  // Called before the widget loaded: replayed once it has.
  await page.evaluate(() => window.Parlor.setUser({ name: "Linh Page", email: "linh@example.com" }));
  await page.getByRole("button", { name: "Open chat" }).click();
  const panel = page.getByRole("dialog");
  await panel.getByRole("button", { name: "Support" }).click();
  assert.equal(await panel.getByLabel("Name").inputValue(), "Linh Page");
  assert.equal(await panel.getByLabel("Email").inputValue(), "linh@example.com");
  await panel.getByRole("button", { name: "Start chat" }).click();
  await panel.getByText("Connecting you…").waitFor();

  const remembered = () =>
    page.evaluate(() => {
      const key = Object.keys(localStorage).find((k) => k.endsWith(".visitor"));
      return JSON.parse(localStorage.getItem(key));
    });
  assert.equal((await remembered()).name, "Linh Page");
  // The chat module, now the page's widget, takes what the page says next.
  await page.evaluate(() => window.Parlor.setUser({ phone: "0901 234 567" }));
  const saved = await remembered();
  assert.equal(saved.phone, "0901 234 567");
  assert.equal(saved.email, "linh@example.com");
  assert.deepEqual(errors, []);
  await page.close();
  await agent.page.close();
});
