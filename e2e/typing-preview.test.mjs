// Typing preview: off (the default), nothing of a visitor's draft leaves their browser; once an
// admin turns it on, the widget says so and the agent sees the draft change as it is typed.
import { test } from "node:test";
import assert from "node:assert/strict";
import { watchErrors, auditWidget, keepScreenshots, startChat, signInConsole, useParlor, acceptChat } from "./harness.mjs";

const parlor = useParlor();

/** Every frame `page`'s sockets send, as text. */
function framesSent(page) {
  const frames = [];
  page.on("websocket", (socket) => socket.on("framesent", (frame) => frames.push(String(frame.payload))));
  return frames;
}

/** Types `text` into the widget's composer key by key, as a visitor does. */
async function type(panel, text) {
  const composer = panel.getByLabel("Message", { exact: true });
  await composer.click();
  await composer.pressSequentially(text, { delay: 20 });
}

test(
  "typing preview off sends no draft; on, the agent sees the draft live",
  keepScreenshots(() => parlor.browser, async () => {
    const { page: agent, errors } = await signInConsole(parlor.browser, parlor.server, 0);
    const preview = agent.locator(".draft-preview");

    // Off: Nora types, thinks better of it, sends something else.
    const nora = await parlor.browser.newPage();
    const noraErrors = watchErrors(nora);
    const noraFrames = framesSent(nora);
    const noraPanel = await startChat(nora, parlor.server, "Sales", "Nora Visitor", "nora@example.com");
    await acceptChat(agent, noraPanel, "Nora Visitor");
    assert.equal(await noraPanel.getByText("Agents can see what you type").count(), 0);
    await type(noraPanel, "Where is my parcel");
    // The agent hears that she types (the input reached the widget), not what.
    await agent.getByText("Nora Visitor is typing…").waitFor();
    await noraPanel.getByLabel("Message", { exact: true }).fill("");
    await type(noraPanel, "Hi");
    await noraPanel.getByLabel("Message", { exact: true }).press("Enter");
    await agent.locator(".msg").filter({ hasText: "Hi" }).waitFor();
    assert.equal(await preview.count(), 0);
    await agent.getByRole("button", { name: "End chat" }).click();

    // An admin turns it on in Settings › Security.
    await agent.getByRole("button", { name: "Settings" }).click();
    await agent.getByRole("navigation", { name: "Settings" }).getByRole("button", { name: "Security" }).click();
    await agent.getByLabel(/Typing preview/).check();
    await agent.getByRole("button", { name: "Save", exact: true }).click();
    await agent.getByRole("status").filter({ hasText: "Saved." }).waitFor();
    await agent.getByRole("button", { name: "Chats" }).click();

    // On: Olaf is told, and Alice sees his draft as it grows, then his message.
    const olaf = await parlor.browser.newPage();
    const olafErrors = watchErrors(olaf);
    const olafPanel = await startChat(olaf, parlor.server, "Sales", "Olaf Visitor", "olaf@example.com");
    await acceptChat(agent, olafPanel, "Olaf Visitor");
    await olafPanel.getByText("Agents can see what you type before you send it.").waitFor();
    assert.deepEqual(await auditWidget(olaf, olafErrors), []);
    await type(olafPanel, "Do you ship");
    await preview.filter({ hasText: "Do you ship" }).waitFor();
    await type(olafPanel, " to Norway?");
    await preview.filter({ hasText: "Do you ship to Norway?" }).waitFor();
    assert.deepEqual(await auditWidget(agent, errors, "body"), []);
    await olafPanel.getByLabel("Message", { exact: true }).press("Enter");
    await agent.locator(".msg").filter({ hasText: "Do you ship to Norway?" }).waitFor();
    await preview.waitFor({ state: "detached" });
    assert.deepEqual(await auditWidget(agent, errors, "body"), []);

    // Nothing Nora typed before she sent "Hi" left her browser.
    assert.deepEqual(noraFrames.filter((f) => f.includes("parcel")), []);
    assert.ok(noraFrames.some((f) => f.includes('"Hi"')), "her message did");
    assert.deepEqual(noraErrors, []);
    assert.deepEqual(olafErrors, []);
    assert.deepEqual(errors, []);
    await nora.close();
    await olaf.close();
    await agent.close();
  }),
);
