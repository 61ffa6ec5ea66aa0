// The visitor's history in the console: a visitor comes back for a second chat, and the agent
// sees the first one in the details column, with its rating, and opens it, notes included.
import { test } from "node:test";
import assert from "node:assert/strict";
import { watchErrors, auditWidget, keepScreenshots, startChat, signInConsole, useParlor, acceptChat } from "./harness.mjs";

const parlor = useParlor();

test(
  "the agent sees and opens a returning visitor's earlier chat",
  keepScreenshots(() => parlor.browser, async () => {
    const { page: agent, errors } = await signInConsole(parlor.browser, parlor.server, 0);
    const visitor = await parlor.browser.newPage();
    const visitorErrors = watchErrors(visitor);
    const panel = await startChat(visitor, parlor.server, "Sales", "Nora Visitor", "nora@example.com");
    await acceptChat(agent, panel, "Nora Visitor");
    await panel.getByLabel("Message", { exact: true }).fill("Where is parcel 42?");
    await panel.getByLabel("Message", { exact: true }).press("Enter");
    await agent.locator(".msg").filter({ hasText: "Where is parcel 42?" }).waitFor();
    await agent.getByRole("button", { name: "Private note" }).click();
    await agent.getByLabel("Private note", { exact: true }).fill("Parcel lost by the carrier");
    await agent.getByLabel("Private note", { exact: true }).press("Enter");
    await agent.locator(".note").filter({ hasText: "Parcel lost by the carrier" }).waitFor();
    await agent.getByRole("button", { name: "End chat" }).click();
    await panel.getByRole("button", { name: "Good" }).click();
    await panel.getByLabel("Comment").fill("Helpful");
    await panel.getByRole("button", { name: "Send rating" }).click();
    await panel.getByText("Thank you for your feedback.").waitFor();

    // A second chat, later: the agent sees the first one beside it.
    await panel.getByRole("button", { name: "Start a new chat" }).click();
    await panel.getByRole("button", { name: "Sales" }).click();
    await panel.getByRole("button", { name: "Start chat" }).click();
    await acceptChat(agent, panel, "Nora Visitor");
    const details = agent.getByRole("complementary", { name: "Visitor" });
    const earlier = details.getByRole("button", { name: /ended · rated good: Helpful/ });
    await earlier.waitFor();
    assert.equal(await earlier.getAttribute("aria-expanded"), "false");
    await earlier.click();
    const transcript = details.getByRole("list", { name: "Earlier chat" });
    await transcript.getByText("Where is parcel 42?").waitFor();
    await transcript.getByText(/Private note · Alice: Parcel lost by the carrier/).waitFor();
    assert.equal(await earlier.getAttribute("aria-expanded"), "true");
    assert.deepEqual(await auditWidget(agent, errors, "body"), []);

    assert.deepEqual(visitorErrors, []);
    assert.deepEqual(errors, []);
    await visitor.close();
    await agent.close();
  }),
);
