// Reports in the console: an admin sees the figures of chats driven through the widget (one
// answered, one missed) and a ticket, as tiles, charts and tables, and each table's CSV
// download holds exactly what the table shows.
import { test } from "node:test";
import assert from "node:assert/strict";
import { acceptChat, auditWidget, keepScreenshots, signInConsole, startChat, useParlor } from "./harness.mjs";

const parlor = useParlor();

/** A table's header and body cells, as shown. */
async function cells(page, caption) {
  const table = page.locator("table").filter({ has: page.locator("caption", { hasText: caption }) });
  const headers = await table.locator("thead th").allInnerTexts();
  const rows = [];
  for (const row of await table.locator("tbody tr").all()) rows.push(await row.locator("th, td").allInnerTexts());
  return [headers, ...rows].map((r) => r.map((c) => c.trim()));
}

/** The CSV behind a table's download link, as rows of cells. */
async function csv(page, caption) {
  const href = await page.getByRole("link", { name: `Download CSV: ${caption}` }).getAttribute("href");
  const text = decodeURIComponent(href.split(",").slice(1).join(","));
  return text.trimEnd().split("\r\n").map((line) => line.split(","));
}

const day = (offset) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

test(
  "the Reports page shows the chats' figures and its CSV downloads match them",
  keepScreenshots(() => parlor.browser, async () => {
    const { server } = parlor;
    const { page: agent, errors } = await signInConsole(parlor.browser, server, 0);
    // An answered chat in Sales.
    const rita = await parlor.browser.newPage();
    const panel = await startChat(rita, server, "Sales", "Rita Visitor", "rita@example.com");
    await acceptChat(agent, panel, "Rita Visitor");
    await agent.getByLabel("Reply").fill("Hello Rita");
    await agent.getByLabel("Reply").press("Enter");
    await panel.getByText("Hello Rita").waitFor();
    await agent.getByRole("button", { name: "End chat" }).click();

    // A missed chat in Support (its queue gives up after a second), then a ticket.
    const login = await fetch(`${server.url}/v1/agent/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: server.facts.agents[0].email, password: server.facts.agents[0].password }),
    });
    const { access_token: token } = await login.json();
    const support = server.facts.queues.find((q) => q.name === "Support");
    const patched = await fetch(`${server.url}/v1/admin/queues/${support.id}`, {
      method: "PATCH",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify({ queue_timeout_ms: 1000 }),
    });
    assert.equal(patched.status, 200);
    const sam = await parlor.browser.newPage();
    const samPanel = await startChat(sam, server, "Support", "Sam Visitor", "sam@example.com");
    await samPanel.getByText(/nobody could answer in time/).waitFor();
    const ticket = await fetch(
      `${server.url}/v1/chatcustomer/generateticket?` +
        new URLSearchParams({ key: server.facts.widget_key, username: "Sam", email: "sam@example.com", note: "Call me" }),
    );
    assert.equal(ticket.status, 200);

    await agent.getByRole("button", { name: "Reports" }).click();
    await agent.getByLabel("From", { exact: true }).fill(day(-1));
    await agent.getByLabel("To", { exact: true }).fill(day(1));
    await agent.getByRole("button", { name: "Show" }).click();
    await agent.getByText(`${day(-1)} to ${day(1)}, in UTC.`).waitFor();

    const overall = await cells(agent, "All chats in the range");
    const column = (table, name) => table[1][table[0].indexOf(name)];
    assert.equal(column(overall, "Chats"), "2");
    assert.equal(column(overall, "Answered"), "1");
    assert.equal(column(overall, "Missed"), "1");
    assert.equal(column(overall, "Tickets"), "1");
    assert.equal(column(overall, "Messages"), "1");
    const queues = await cells(agent, "Per queue");
    assert.deepEqual(
      queues.slice(1).map((r) => r.slice(0, 5)),
      // The ticket left through the REST call named no queue.
      [["Sales", "1", "1", "0", "0"], ["Support", "1", "0", "1", "0"], ["(none)", "0", "0", "0", "1"]],
    );
    const perDay = await cells(agent, "Figures per day");
    assert.deepEqual(perDay.slice(1).map((r) => [r[0], r[1]]), [[day(-1), "0"], [day(0), "2"], [day(1), "0"]]);
    // The charts are images with a text alternative; the tables beside them hold the figures.
    await agent.getByRole("img", { name: /Chats per day: 2 in all over 3 days/ }).waitFor();
    await agent.getByRole("img", { name: /Busiest hours: most chats \(2\)/ }).waitFor();
    // Every download is its table, cell for cell.
    for (const caption of ["All chats in the range", "Figures per day", "Per queue", "Per agent (the chats they first accepted)", "Chats started, by weekday and hour"]) {
      assert.deepEqual(await csv(agent, caption), await cells(agent, caption), caption);
    }
    assert.deepEqual(await auditWidget(agent, errors, "main.reports"), []);
    assert.deepEqual(errors, []);
    await rita.close();
    await sam.close();
    await agent.close();
  }),
);
