// A visitor's data on request, in Settings: an admin exports it (a JSON download) and erases
// it; a second export then finds nothing.
import { test } from "node:test";
import assert from "node:assert/strict";
import { auditWidget, keepScreenshots, startChat, signInConsole, useParlor, acceptChat } from "./harness.mjs";

const parlor = useParlor();

test(
  "an admin exports then erases a visitor's data from Settings",
  keepScreenshots(() => parlor.browser, async () => {
    const { page: agent, errors } = await signInConsole(parlor.browser, parlor.server, 0);
    const visitor = await parlor.browser.newPage();
    const panel = await startChat(visitor, parlor.server, "Sales", "Nora Visitor", "nora@example.com");
    await acceptChat(agent, panel, "Nora Visitor");
    await panel.getByLabel("Message", { exact: true }).fill("My address is 12 Rose Street");
    await panel.getByLabel("Message", { exact: true }).press("Enter");
    await agent.locator(".msg").filter({ hasText: "12 Rose Street" }).waitFor();
    await agent.getByRole("button", { name: "End chat" }).click();

    await agent.getByRole("button", { name: "Settings" }).click();
    await agent.getByRole("navigation", { name: "Settings" }).getByRole("button", { name: "Visitor data" }).click();
    // Retention: finished chats kept 30 days.
    await agent.getByLabel(/Delete finished chats after/).fill("30");
    await agent.getByRole("button", { name: "Save" }).click();
    await agent.getByRole("status").filter({ hasText: "Saved." }).waitFor();
    await agent.getByLabel("Email or visitor id").fill("NORA@example.com");
    await agent.getByRole("button", { name: "Export" }).click();
    await agent.getByRole("status").filter({ hasText: "Found 1 chat(s)" }).waitFor();
    const link = agent.getByRole("link", { name: /Download visitor-data-NORA@example\.com\.json/ });
    const exported = JSON.parse(decodeURIComponent((await link.getAttribute("href")).split(",").slice(1).join(",")));
    assert.ok(JSON.stringify(exported.messages).includes("12 Rose Street"));
    assert.equal(exported.visitors[0].email, "nora@example.com");
    assert.deepEqual(await auditWidget(agent, errors, "body"), []);

    await agent.getByRole("button", { name: "Erase…" }).click();
    await agent.getByRole("alertdialog").getByText("Erase everything of NORA@example.com for good?").waitFor();
    await agent.getByRole("button", { name: "Erase for good" }).click();
    await agent.getByRole("status").filter({ hasText: "Erased: 1 chat(s) emptied" }).waitFor();
    await agent.getByRole("button", { name: "Export" }).click();
    await agent.getByRole("status").filter({ hasText: "Found 0 chat(s)" }).waitFor();

    assert.deepEqual(errors, []);
    await visitor.close();
    await agent.close();
  }),
);
