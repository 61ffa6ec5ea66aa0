// The console's desktop notifications and keyboard shortcuts, in a real browser that allowed
// notifications. What the console shows is recorded by wrapping the browser's own
// Notification (still shown), and the tab is made to look hidden by overriding
// `document.hidden`, which a headless tab cannot be otherwise.
import { test } from "node:test";
import assert from "node:assert/strict";
import { watchErrors, auditWidget, keepScreenshots, startChat, useParlor } from "./harness.mjs";

const parlor = useParlor();

const RECORD = () => {
  window.__shown = [];
  const Real = window.Notification;
  window.Notification = class extends Real {
    constructor(title, options) {
      super(title, options);
      window.__shown.push({ title, body: options?.body ?? "" });
      window.__last = this;
    }
  };
  Object.defineProperty(document, "hidden", { configurable: true, get: () => window.__hidden === true });
};

test(
  "desktop notifications while the tab is hidden, and the workspace by keyboard",
  keepScreenshots(() => parlor.browser, async () => {
    const context = await parlor.browser.newContext();
    await context.grantPermissions(["notifications"], { origin: parlor.server.url });
    await context.addInitScript(RECORD);
    const agent = await context.newPage();
    const errors = watchErrors(agent);
    const alice = parlor.server.facts.agents[0];
    await agent.goto(`${parlor.server.url}/console/`);
    await agent.getByLabel("Email").fill(alice.email);
    await agent.getByLabel("Password").fill(alice.password);
    await agent.getByRole("button", { name: "Sign in" }).click();
    await agent.getByText("Available", { exact: true }).waitFor();
    // Allowed already: the console does not ask again.
    assert.equal(await agent.getByRole("button", { name: "Turn on desktop notifications" }).count(), 0);
    const shown = () => agent.evaluate(() => window.__shown);

    // The tab is hidden: a chat request shows as a notification.
    await agent.evaluate(() => (window.__hidden = true));
    const ann = await parlor.browser.newPage();
    const annPanel = await startChat(ann, parlor.server, "Sales", "Ann Visitor", "ann@example.com");
    await agent.waitForFunction(() => window.__shown.length === 1);
    assert.deepEqual(await shown(), [{ title: "Chat request", body: "Ann Visitor · Sales" }]);

    // Back in the tab, by keyboard: Alt+A accepts the oldest request; a second one too.
    await agent.evaluate(() => (window.__hidden = false));
    await agent.keyboard.press("Alt+KeyA");
    await annPanel.getByText("Alice joined the chat").waitFor();
    const ben = await parlor.browser.newPage();
    const benPanel = await startChat(ben, parlor.server, "Sales", "Ben Visitor", "ben@example.com");
    await agent.locator(".request").filter({ hasText: "Ben Visitor" }).waitFor();
    assert.equal((await shown()).length, 1, "no notification while the tab is shown");
    await agent.keyboard.press("Alt+KeyA");
    await benPanel.getByText("Alice joined the chat").waitFor();
    // The console opens the chat it accepted (the visitor may hear of it first).
    const opened = (name) => agent.locator(".chat-link[aria-current=true]").filter({ hasText: name }).waitFor();
    await opened("Ben Visitor");

    // Alt+arrows move between chats; Alt+R goes to the reply box.
    await agent.keyboard.press("Alt+ArrowUp");
    await opened("Ann Visitor");
    await agent.keyboard.press("Alt+ArrowDown");
    await opened("Ben Visitor");
    await agent.keyboard.press("Alt+KeyR");
    assert.equal(await agent.evaluate(() => document.activeElement.id), "reply");

    // Hidden again, Ann writes: her message shows, and clicking it opens her chat.
    await agent.evaluate(() => (window.__hidden = true));
    await annPanel.getByLabel("Message", { exact: true }).fill("Are you there?");
    await annPanel.getByLabel("Message", { exact: true }).press("Enter");
    await agent.waitForFunction(() => window.__shown.some((n) => n.body === "Are you there?"));
    assert.deepEqual((await shown()).at(-1), { title: "Ann Visitor", body: "Are you there?" });
    await agent.evaluate(() => window.__last.onclick());
    await opened("Ann Visitor");
    await agent.evaluate(() => (window.__hidden = false));

    // Alt+/ opens the canned responses in the reply box.
    await agent.keyboard.press("Alt+Slash");
    await agent.getByRole("listbox", { name: "Canned responses" }).waitFor();
    assert.equal(await agent.getByLabel("Reply").inputValue(), "/");
    await agent.keyboard.press("Escape");
    await agent.getByLabel("Reply").fill("");

    // `?` outside a field lists the shortcuts; Escape closes the list.
    await agent.evaluate(() => document.activeElement.blur());
    await agent.keyboard.press("?");
    const help = agent.getByRole("dialog", { name: "Keyboard shortcuts" });
    await help.waitFor();
    assert.match(await help.innerText(), /Accept the oldest chat request/);
    assert.equal(await agent.evaluate(() => document.activeElement.textContent), "Close");
    assert.deepEqual(await auditWidget(agent, errors, "body"), []);
    await agent.keyboard.press("Escape");
    await help.waitFor({ state: "detached" });
    // In the reply box, `?` is text.
    await agent.getByLabel("Reply").focus();
    await agent.keyboard.press("?");
    assert.equal(await agent.getByLabel("Reply").inputValue(), "?");
    assert.equal(await help.count(), 0);

    assert.deepEqual(errors, []);
    await context.close();
    await ann.close();
    await ben.close();
  }),
);
