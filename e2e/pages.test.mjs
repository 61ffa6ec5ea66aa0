// Where the visitor is: in a single-page app (History API, hash links), the pages the visitor
// opens during a chat show live in the agent's console, with the trail of pages.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startParlor, launchChromium, watchErrors, auditWidget, keepScreenshots, startChat, signInConsole } from "./harness.mjs";

let server;
let browser;

before(async () => {
  server = await startParlor();
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

test(
  "the agent follows the visitor through a single-page app",
  keepScreenshots(() => browser, async () => {
    const { page: agent, errors } = await signInConsole(browser, server, 0);
    const visitor = await browser.newPage();
    const visitorErrors = watchErrors(visitor);
    const panel = await startChat(visitor, server, "Sales", "Nora Visitor", "nora@example.com");
    await agent.locator(".request").filter({ hasText: "Nora Visitor" }).getByRole("button", { name: "Accept" }).click();
    await panel.getByText("Alice joined the chat").waitFor();
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

    assert.deepEqual(visitorErrors, []);
    assert.deepEqual(errors, []);
    await visitor.close();
    await agent.close();
  }),
);
