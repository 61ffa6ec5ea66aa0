// The visitor's place in line, in real browsers: three visitors wait for one agent, and the
// last one sees their place go 3 → 2 → 1 as the agent takes the chats before theirs (and keeps
// it across a reload); the agent sees the queue's length.
import { test } from "node:test";
import assert from "node:assert/strict";
import { watchErrors, auditWidget, keepScreenshots, startChat, signInConsole, useParlor, acceptChat } from "./harness.mjs";

const parlor = useParlor();

test(
  "waiting visitors see their place in line change as an agent takes chats",
  keepScreenshots(() => parlor.browser, async () => {
    const { page: agent, errors } = await signInConsole(parlor.browser, parlor.server, 0);
    const visitors = [];
    for (const name of ["Ann First", "Ben Second", "Cat Third"]) {
      const page = await parlor.browser.newPage();
      const pageErrors = watchErrors(page);
      const panel = await startChat(page, parlor.server, "Sales", name, `${name.split(" ")[0].toLowerCase()}@example.com`);
      await panel.getByText("Connecting you…").waitFor();
      visitors.push({ name, page, panel, errors: pageErrors });
    }
    const [ann, ben, cat] = visitors;
    await cat.panel.getByText("You are 3rd in line").waitFor();
    await ben.panel.getByText("You are 2nd in line").waitFor();
    // The agent sees how many wait in each queue.
    await agent.getByRole("status", { name: "Waiting in the queues" }).getByText("Waiting: Sales 3").waitFor();
    assert.deepEqual(await auditWidget(cat.page, cat.errors), []);
    // A reload keeps the place: the server tells it again once the visitor's socket is back.
    await ben.page.reload();
    await ben.page.getByRole("button", { name: "Open chat" }).click();
    await ben.panel.getByText("You are 2nd in line").waitFor({ timeout: 10_000 });

    // The agent takes the chats in order; the others move up, now with an estimate from the
    // queue's answers.
    const accept = (visitor) => acceptChat(agent, visitor.panel, visitor.name);
    await accept(ann);
    await cat.panel.getByText(/^You are 2nd in line · less than a minute$/).waitFor();
    await ben.panel.getByText(/^You are 1st in line · less than a minute$/).waitFor();
    await accept(ben);
    await cat.panel.getByText(/^You are 1st in line · less than a minute$/).waitFor();
    await accept(cat);
    assert.equal(await cat.panel.getByText(/in line/).count(), 0);
    await agent.getByText("Queues: nobody waiting").waitFor();

    for (const visitor of visitors) assert.deepEqual(visitor.errors, [], visitor.name);
    assert.deepEqual(errors, []);
  }),
);
