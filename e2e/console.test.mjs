// Both sides in real browsers: a visitor on the demo page and an agent in the console.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startParlor, launchChromium, watchErrors, auditWidget } from "./harness.mjs";

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

async function signIn(index) {
  const page = await browser.newPage();
  const errors = watchErrors(page);
  const agent = server.facts.agents[index];
  await page.goto(`${server.url}/console/`);
  await page.getByLabel("Email").fill(agent.email);
  await page.getByLabel("Password").fill(agent.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByText("Available", { exact: true }).waitFor();
  return { page, errors };
}

test("a visitor and an agent in the console chat, and hostile text stays text on both sides", async () => {
  const { page: console_, errors: consoleErrors } = await signIn(0);
  const visitor = await browser.newPage();
  const visitorErrors = watchErrors(visitor);
  await visitor.goto(`${server.url}/`);
  await visitor.getByRole("button", { name: "Open chat" }).click();
  const widget = visitor.getByRole("dialog");
  await widget.getByRole("button", { name: "Sales" }).click();
  const hostileName = '<img src=x onerror="window.pwned=1">Eve';
  await widget.getByLabel("Name").fill(hostileName);
  await widget.getByLabel("Email").fill("eve@example.com");
  await widget.getByRole("button", { name: "Start chat" }).click();
  await widget.getByText("Connecting you…").waitFor();

  // The request shows in the console, under the visitor's name as text; the agent accepts.
  const request = console_.locator(".request").filter({ hasText: hostileName });
  await request.waitFor();
  await request.getByRole("button", { name: "Accept" }).click();
  await widget.getByText("Alice joined the chat").waitFor();

  const hostileText = "<script>window.pwned=2</script><b>bold?</b>";
  await widget.getByLabel("Message", { exact: true }).fill(hostileText);
  await widget.getByLabel("Message", { exact: true }).press("Enter");
  await console_.locator(".msg").filter({ hasText: hostileText }).waitFor();
  // The visitor's details come with the chat.
  await console_.getByRole("complementary", { name: "Visitor" }).getByText("eve@example.com").waitFor();

  await console_.getByLabel("Reply").fill("Hello Eve, <i>how</i> can I help?");
  await console_.getByRole("button", { name: "Send", exact: true }).click();
  await widget.getByText("Hello Eve, <i>how</i> can I help?").waitFor();
  assert.equal(await visitor.evaluate(() => window.pwned), undefined);
  assert.equal(await console_.evaluate(() => window.pwned), undefined);
  assert.equal(await console_.locator("main img, nav img").count(), 0);

  // The agent ends the chat; the visitor is asked for a rating, which the agent then sees.
  await console_.getByRole("button", { name: "End chat" }).click();
  await widget.getByText("The chat has ended.").first().waitFor();
  await console_.getByText("This chat has ended.").waitFor();
  await widget.getByRole("button", { name: "Good" }).click();
  await widget.getByRole("button", { name: "Send rating" }).click();
  await console_.getByText("Rated good").waitFor();
  assert.deepEqual(await auditWidget(visitor, visitorErrors), []);
  assert.deepEqual(visitorErrors, []);
  assert.deepEqual(consoleErrors, []);
  await visitor.close();
  await console_.close();
});

test("a ticket left when nobody answers shows in the console", async () => {
  const visitor = await browser.newPage();
  await visitor.goto(`${server.url}/`);
  await visitor.getByRole("button", { name: "Open chat" }).click();
  const widget = visitor.getByRole("dialog");
  await widget.getByRole("button", { name: "Support" }).click();
  await widget.getByLabel("Name").fill("Fay");
  await widget.getByLabel("Email").fill("fay@example.com");
  await widget.getByLabel("How can we help?").fill("Is the green tea back in stock?");
  await widget.getByRole("button", { name: "Send message" }).click();
  await widget.getByText("Thank you! We received your message").waitFor();

  const { page: console_, errors } = await signIn(1);
  await console_.getByRole("button", { name: "Tickets" }).click();
  const ticket = console_.locator(".ticket").filter({ hasText: "fay@example.com" });
  await ticket.getByText("Is the green tea back in stock?").waitFor();
  assert.deepEqual(errors, []);
  await visitor.close();
  await console_.close();
});
