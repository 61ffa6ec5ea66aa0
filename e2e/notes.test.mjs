// Private notes in real browsers: an agent writes one in the console; the console shows it
// apart, among the messages, also when the chat is loaded anew; the visitor's widget never
// shows it, before or after the visitor reloads the page.
import { test } from "node:test";
import assert from "node:assert/strict";
import { watchErrors, auditWidget, keepScreenshots, startChat, signInConsole, useParlor, acceptChat } from "./harness.mjs";

const parlor = useParlor();

const SECRET = "VIP: offer the 10% code";

/** The text the visitor's widget shows, shadow root included. */
const widgetText = (page) =>
  page.evaluate(() => document.querySelector("[data-parlor-widget]").shadowRoot.textContent);

test(
  "a note written in the console shows only to agents, never in the widget",
  keepScreenshots(() => parlor.browser, async () => {
    const { page: agent, errors } = await signInConsole(parlor.browser, parlor.server, 0);
    const visitor = await parlor.browser.newPage();
    const visitorErrors = watchErrors(visitor);
    const widget = await startChat(visitor, parlor.server, "Sales", "Nora Visitor", "nora@example.com");
    await acceptChat(agent, widget, "Nora Visitor");
    await widget.getByLabel("Message", { exact: true }).fill("Hello, any discount?");
    await widget.getByLabel("Message", { exact: true }).press("Enter");
    await agent.locator(".msg").filter({ hasText: "Hello, any discount?" }).waitFor();

    // The agent switches the composer to a note, by keyboard, and writes one.
    const toggle = agent.getByRole("button", { name: "Private note" });
    await toggle.focus();
    await agent.keyboard.press("Enter");
    assert.equal(await toggle.getAttribute("aria-pressed"), "true");
    const box = agent.getByLabel("Private note", { exact: true });
    await box.fill(SECRET);
    await box.press("Enter");
    const note = agent.locator(".note").filter({ hasText: SECRET });
    await note.waitFor();
    assert.match(await note.innerText(), /Private note · Alice/);
    assert.deepEqual(await auditWidget(agent, errors, "body"), []);

    // Back to replies: the visitor gets the reply, and nothing of the note.
    await toggle.click();
    await agent.getByLabel("Reply").fill("Here you go");
    await agent.getByLabel("Reply").press("Enter");
    await widget.getByText("Here you go").waitFor();
    assert.ok(!(await widgetText(visitor)).includes("VIP"));

    // The visitor reloads: the history comes back from the server, still without the note.
    await visitor.reload();
    await visitor.waitForFunction(() => document.querySelector("[data-parlor-widget]")?.shadowRoot.querySelector(".parlor-root"));
    await visitor.getByRole("button", { name: "Open chat" }).click();
    await visitor.getByRole("dialog").getByText("Here you go").waitFor();
    assert.ok(!(await widgetText(visitor)).includes("VIP"));

    // The agent signs in again elsewhere: the note is loaded with the chat, in its place
    // before the reply.
    const { page: again, errors: againErrors } = await signInConsole(parlor.browser, parlor.server, 0);
    await again.locator(".chat-link").filter({ hasText: "Nora Visitor" }).click();
    await again.locator(".note").filter({ hasText: SECRET }).waitFor();
    const order = await again.locator(".pane__messages > li").allInnerTexts();
    const noteAt = order.findIndex((t) => t.includes(SECRET));
    const replyAt = order.findIndex((t) => t.includes("Here you go"));
    assert.ok(noteAt >= 0 && noteAt < replyAt, order.join(" | "));

    assert.deepEqual(visitorErrors, []);
    assert.deepEqual(errors, []);
    assert.deepEqual(againErrors, []);
    await visitor.close();
    await agent.close();
    await again.close();
  }),
);
