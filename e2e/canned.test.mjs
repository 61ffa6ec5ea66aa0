// Canned responses in real browsers: an admin adds a shared one in Settings; an agent answers
// a visitor with it by keyboard alone (`/`, arrows, Enter, an edit, Enter), placeholders
// filled in; Escape closes the list without touching what was typed.
import { test } from "node:test";
import assert from "node:assert/strict";
import { watchErrors, auditWidget, keepScreenshots, startChat, signInConsole, useParlor, acceptChat } from "./harness.mjs";

const parlor = useParlor();

test(
  "an agent answers with a canned response by keyboard alone",
  keepScreenshots(() => parlor.browser, async () => {
    const { page: agent, errors } = await signInConsole(parlor.browser, parlor.server, 0);
    await agent.getByRole("button", { name: "Settings" }).click();
    await agent.getByRole("button", { name: "Canned responses" }).click();
    for (const [shortcut, text] of [
      ["thanks", "Thanks {visitor.name}, {agent.name} from {portal.name} here."],
      ["refund", "Refunds take five working days."],
    ]) {
      await agent.getByLabel("Shortcut").fill(shortcut);
      await agent.getByLabel(/^Text/).fill(text);
      await agent.getByRole("button", { name: "Add", exact: true }).click();
      await agent.getByText(`/${shortcut}`).waitFor();
    }
    assert.deepEqual(await auditWidget(agent, errors, "body"), []);
    await agent.getByRole("button", { name: "Chats" }).click();
    await agent.getByText("Available", { exact: true }).waitFor();

    const visitor = await parlor.browser.newPage();
    const visitorErrors = watchErrors(visitor);
    const widget = await startChat(visitor, parlor.server, "Sales", "Nora Visitor", "nora@example.com");
    await acceptChat(agent, widget, "Nora Visitor");

    // From here on, the keyboard only.
    const reply = agent.getByLabel("Reply");
    await reply.focus();
    await agent.keyboard.type("/");
    const list = agent.getByRole("listbox", { name: "Canned responses" });
    await list.getByRole("option").nth(1).waitFor();
    assert.equal(await list.getByRole("option").count(), 2);
    assert.deepEqual(await auditWidget(agent, errors, "body"), []);
    // Escape closes the list and keeps the box as it was.
    await agent.keyboard.press("Escape");
    await list.waitFor({ state: "detached" });
    assert.equal(await reply.inputValue(), "/");
    await agent.keyboard.press("Backspace");
    await agent.keyboard.type("/t");
    await list.waitFor();
    // Filtered as the agent types: "t" is the start of one shortcut and in the other's text.
    const options = await list.getByRole("option").allInnerTexts();
    assert.match(options[0], /^\/thanks/);
    await agent.keyboard.press("ArrowDown");
    assert.equal(await list.getByRole("option", { selected: true }).innerText().then((t) => t.startsWith("/refund")), true);
    assert.equal(await reply.getAttribute("aria-activedescendant"), "canned-1");
    await agent.keyboard.press("ArrowUp");
    await agent.keyboard.press("Enter");
    await list.waitFor({ state: "detached" });
    const filled = await reply.inputValue();
    assert.match(filled, /^Thanks Nora Visitor, Alice from .+ here\.$/);
    assert.ok(!filled.includes("{"), filled);
    // The agent edits it before sending.
    await agent.keyboard.press("End");
    await agent.keyboard.type(" How can I help?");
    await agent.keyboard.press("Enter");
    await widget.getByText(`${filled} How can I help?`).waitFor();
    assert.equal(await reply.inputValue(), "");

    assert.deepEqual(visitorErrors, []);
    assert.deepEqual(errors, []);
    await visitor.close();
    await agent.close();
  }),
);
