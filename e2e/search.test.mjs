// Labels and search in the console: an admin defines a label, the agent puts it on a chat
// (chip in the chat list, the list filtered by it), and later finds the ended chat by a word
// the visitor wrote, opens it, the matching message highlighted.
import { test } from "node:test";
import assert from "node:assert/strict";
import { watchErrors, auditWidget, keepScreenshots, startChat, signInConsole, useParlor, acceptChat } from "./harness.mjs";

const parlor = useParlor();

test(
  "an agent labels a chat, filters by the label and finds the chat again by search",
  keepScreenshots(() => parlor.browser, async () => {
    const { page: agent, errors } = await signInConsole(parlor.browser, parlor.server, 0);

    // Settings › Labels: Alice (an admin) adds "VIP".
    await agent.getByRole("button", { name: "Settings" }).click();
    await agent.getByRole("navigation", { name: "Settings" }).getByRole("button", { name: "Labels" }).click();
    await agent.getByLabel("New label").fill("VIP");
    await agent.getByRole("button", { name: "Add label" }).click();
    await agent.getByRole("button", { name: "Delete VIP" }).waitFor();
    assert.deepEqual(await auditWidget(agent, errors, "body"), []);
    await agent.getByRole("button", { name: "Chats" }).click();

    // Two chats; Nora's gets the label.
    const visitors = [];
    for (const [name, email, said] of [
      ["Nora Visitor", "nora@example.com", "My parcel 88121 never arrived"],
      ["Olaf Visitor", "olaf@example.com", "Do you ship to Norway?"],
    ]) {
      const page = await parlor.browser.newPage();
      const visitorErrors = watchErrors(page);
      const panel = await startChat(page, parlor.server, "Sales", name, email);
      await acceptChat(agent, panel, name);
      await panel.getByLabel("Message", { exact: true }).fill(said);
      await panel.getByLabel("Message", { exact: true }).press("Enter");
      await agent.locator(".msg").filter({ hasText: said }).waitFor();
      visitors.push({ page, panel, visitorErrors });
    }
    await agent.getByRole("button", { name: "Nora Visitor" }).click();
    const details = agent.getByRole("complementary", { name: "Visitor" });
    await details.getByRole("checkbox", { name: "VIP" }).check();
    const chats = agent.getByRole("navigation", { name: "Chats" });
    await chats.locator("li").filter({ hasText: "Nora Visitor" }).getByRole("list", { name: "Labels" }).getByText("VIP").waitFor();
    // The filter shows only labelled chats.
    await chats.getByLabel("Show").selectOption({ label: "VIP" });
    await chats.locator(".chat-link").filter({ hasText: "Olaf Visitor" }).waitFor({ state: "detached" });
    assert.equal(await chats.locator(".chat-link").filter({ hasText: "Nora Visitor" }).count(), 1);
    await chats.getByLabel("Show").selectOption({ label: "Every chat" });
    await chats.locator(".chat-link").filter({ hasText: "Olaf Visitor" }).waitFor();
    assert.deepEqual(await auditWidget(agent, errors, "body"), []);
    await agent.getByRole("button", { name: "End chat" }).click();

    // Search: a word Nora wrote finds her chat, marked; the label filter agrees.
    await agent.getByRole("button", { name: "Search" }).click();
    await agent.getByLabel("Words").fill("PARCEL");
    await agent.getByRole("button", { name: "Search", exact: true }).last().click();
    const results = agent.getByRole("list", { name: "Results" });
    await agent.getByRole("status").filter({ hasText: "1 chat." }).waitFor();
    const result = results.locator("li").first();
    assert.match(await result.innerText(), /Nora Visitor/);
    assert.match(await result.innerText(), /ended/);
    assert.deepEqual(await result.locator("mark").allInnerTexts(), ["parcel"]);
    await agent.getByLabel("Words").fill("");
    await agent.getByLabel("Label", { exact: true }).selectOption({ label: "VIP" });
    await agent.getByRole("button", { name: "Search", exact: true }).last().click();
    await agent.getByRole("status").filter({ hasText: "1 chat." }).waitFor();
    await agent.getByLabel("Label", { exact: true }).selectOption({ label: "Any" });
    await agent.getByLabel("Words").fill("parcel");
    await agent.getByRole("button", { name: "Search", exact: true }).last().click();
    await agent.getByRole("status").filter({ hasText: "1 chat." }).waitFor();
    await results.getByRole("button", { name: /Nora Visitor/ }).click();
    const opened = agent.getByRole("region", { name: "Chat with Nora Visitor" });
    const hit = opened.locator(".hit");
    await hit.waitFor();
    assert.equal(await hit.innerText(), "My parcel 88121 never arrived");
    assert.deepEqual(await hit.locator("mark").allInnerTexts(), ["parcel"]);
    // Words nowhere: nothing, said so.
    await agent.getByLabel("Words").fill("umbrella");
    await agent.getByRole("button", { name: "Search", exact: true }).last().click();
    await agent.getByRole("status").filter({ hasText: "No chat matches." }).waitFor();
    assert.deepEqual(await auditWidget(agent, errors, "body"), []);

    for (const { page, visitorErrors } of visitors) {
      assert.deepEqual(visitorErrors, []);
      await page.close();
    }
    assert.deepEqual(errors, []);
    await agent.close();
  }),
);
