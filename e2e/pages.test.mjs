// Where the visitor is: in a single-page app (History API, hash links), the pages the visitor
// opens during a chat show live in the agent's console, with the trail of pages.
import { test } from "node:test";
import assert from "node:assert/strict";
import { watchErrors, auditWidget, keepScreenshots, startChat, signInConsole, useParlor, acceptChat } from "./harness.mjs";

const parlor = useParlor();

test(
  "the agent follows the visitor through a single-page app",
  keepScreenshots(() => parlor.browser, async () => {
    const { page: agent, errors } = await signInConsole(parlor.browser, parlor.server, 0);
    const visitor = await parlor.browser.newPage();
    const visitorErrors = watchErrors(visitor);
    const panel = await startChat(visitor, parlor.server, "Sales", "Nora Visitor", "nora@example.com");
    await acceptChat(agent, panel, "Nora Visitor");
    const details = agent.getByRole("complementary", { name: "Visitor" });
    const trail = details.getByRole("list", { name: "Pages visited" });
    await trail.getByRole("listitem").first().waitFor();

    // The app moves to its pricing page without loading a page, then to a hash link.
    await visitor.evaluate(() => {
      history.pushState({}, "", "/pricing");
      document.title = "Pricing · Demo shop";
    });
    await details.getByText("Pricing · Demo shop").first().waitFor();
    await visitor.evaluate(() => {
      location.hash = "#faq";
    });
    await trail.getByText(/\/pricing#faq$/).waitFor();
    const pages = await trail.getByRole("listitem").allInnerTexts();
    assert.equal(pages.length, 3, pages.join(" | "));
    assert.match(pages[0], /\/pricing#faq$/, "newest first");
    assert.match(pages[1], /^Pricing · Demo shop · .*\/pricing$/);
    // Back: the History API's popstate counts too.
    await visitor.goBack();
    await trail.getByRole("listitem").nth(3).waitFor();
    assert.match((await trail.getByRole("listitem").allInnerTexts())[0], /\/pricing$/);
    assert.deepEqual(await auditWidget(agent, errors, "body"), []);

    // The Visitors list: Nora with Alice on the pricing page, Olaf waiting on the demo page.
    const olaf = await parlor.browser.newPage();
    const olafErrors = watchErrors(olaf);
    await startChat(olaf, parlor.server, "Sales", "Olaf Visitor", "olaf@example.com");
    await agent.locator(".request").filter({ hasText: "Olaf Visitor" }).waitFor();
    await agent.getByRole("button", { name: "Visitors", exact: true }).click();
    const table = agent.getByRole("table", { name: "Visitors with a chat open" });
    const row = (name) => table.getByRole("row").filter({ hasText: name });
    await row("Olaf Visitor").waitFor();
    assert.match(await row("Nora Visitor").innerText(), /With Alice · Sales[\s\S]*Pricing · Demo shop .*\/pricing/);
    assert.match(await row("Olaf Visitor").innerText(), /Waiting in Sales/);
    assert.deepEqual(await auditWidget(agent, errors, "body"), []);
    // Olaf moves on: a refresh shows it.
    await olaf.evaluate(() => {
      history.pushState({}, "", "/checkout");
      document.title = "Checkout · Demo shop";
    });
    await agent.waitForFunction(async () => {
      document.querySelector(".visitors button").click();
      await new Promise((done) => setTimeout(done, 200));
      return [...document.querySelectorAll(".visitors tr")].some((r) => r.textContent.includes("Checkout · Demo shop"));
    }, null, { polling: 500 });
    assert.deepEqual(olafErrors, []);
    await olaf.close();

    assert.deepEqual(visitorErrors, []);
    assert.deepEqual(errors, []);
    await visitor.close();
    await agent.close();
  }),
);
