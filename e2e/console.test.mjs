// Both sides in real browsers: a visitor on the demo page and an agent in the console.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { startParlor, launchChromium, watchErrors, auditWidget, outbox, keepScreenshots, startChat, signInConsole } from "./harness.mjs";

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

const signIn = (index) => signInConsole(browser, server, index);

test(
  "a visitor and an agent in the console chat, and hostile text stays text on both sides",
  keepScreenshots(() => browser, async () => {
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
    assert.match(await request.getByLabel("Seconds left to answer").innerText(), /^1[0-5]s$/);
    assert.match(await console_.title(), /^\(1\) Chat request/);
    await request.getByRole("button", { name: "Accept" }).click();
    await widget.getByText("Alice joined the chat").waitFor();

    const hostileText = "<script>window.pwned=2</script><b>bold?</b>";
    await widget.getByLabel("Message", { exact: true }).fill(hostileText);
    await widget.getByLabel("Message", { exact: true }).press("Enter");
    await console_.locator(".msg").filter({ hasText: hostileText }).waitFor();
    // The visitor's details come with the chat.
    await console_.getByRole("complementary", { name: "Visitor" }).getByText("eve@example.com").waitFor();

    // Typing shows both ways, and what each side has on screen is marked read for the other.
    await widget.getByLabel("Message", { exact: true }).pressSequentially("typing");
    await console_.getByText(`${hostileName} is typing…`).waitFor();
    await widget.getByLabel("Message", { exact: true }).fill("");
    await console_.getByLabel("Reply").pressSequentially("Hi");
    await widget.getByText("Alice is typing…").waitFor();
    await widget.locator(".message--own").filter({ hasText: hostileText }).getByText("Read").waitFor();
    await console_.getByLabel("Reply").fill("Hello Eve, <i>how</i> can I help?");
    await console_.getByRole("button", { name: "Send", exact: true }).click();
    await widget.getByText("Hello Eve, <i>how</i> can I help?").waitFor();
    await console_.locator(".msg--own").filter({ hasText: "Hello Eve" }).getByText("Read").waitFor();
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
    await widget.getByRole("button", { name: "Send transcript" }).click();
    await widget.getByText("The transcript is on its way to eve@example.com.").waitFor();
    const deadline = Date.now() + 10_000;
    while (!outbox(server).some((m) => m.includes("To: eve@example.com")) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.match(outbox(server).find((m) => m.includes("To: eve@example.com")) ?? "", /Alice: Hello Eve/);
    assert.deepEqual(await auditWidget(visitor, visitorErrors), []);
    assert.deepEqual(await auditWidget(console_, consoleErrors, "body"), [], "the console");
    assert.deepEqual(visitorErrors, []);
    assert.deepEqual(consoleErrors, []);
    await visitor.close();
    await console_.close();
  }),
);

test(
  "a ticket left when nobody answers shows in the console",
  keepScreenshots(() => browser, async () => {
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
  }),
);

/** A visitor on the demo page who starts a chat in `queue`; answers the widget's panel. */
async function visitorChat(queue, name, email) {
  const page = await browser.newPage();
  const errors = watchErrors(page);
  const widget = await startChat(page, server, queue, name, email);
  await widget.getByText("Connecting you…").waitFor();
  return { page, widget, errors };
}

test(
  "an offer the first agent leaves unanswered moves to the second agent",
  keepScreenshots(() => browser, async () => {
    execFileSync(process.env.PARLOR_BIN, [
      "configure", "--data", server.data, "--queue", "Support", "--answer-timeout", "1", "--queue-timeout", "30",
    ]);
    const alice = await signIn(0);
    const bob = await signIn(1);
    const { page, widget, errors } = await visitorChat("Support", "Hana", "hana@example.com");
    // Alice has been idle longest: she is asked first, and says nothing.
    await alice.page.locator(".request").filter({ hasText: "Hana" }).waitFor();
    await alice.page.locator(".request").filter({ hasText: "Hana" }).waitFor({ state: "detached" });
    const moved = bob.page.locator(".request").filter({ hasText: "Hana" });
    await moved.getByRole("button", { name: "Accept" }).click();
    await widget.getByText("Bob joined the chat").waitFor();
    await bob.page.getByRole("button", { name: "End chat" }).click();
    await widget.getByText("The chat has ended.").first().waitFor();
    assert.deepEqual([...errors, ...alice.errors, ...bob.errors], []);
    await Promise.all([page.close(), alice.page.close(), bob.page.close()]);
  }),
);

test(
  "agent A transfers a chat to agent B, who confirms; the visitor goes on with B",
  keepScreenshots(() => browser, async () => {
    const alice = await signIn(0);
    const bob = await signIn(1);
    await bob.page.getByRole("button", { name: "Set away" }).click();
    await bob.page.getByText("Away", { exact: true }).waitFor();
    const { page, widget, errors } = await visitorChat("Sales", "Ivo", "ivo@example.com");
    await alice.page.locator(".request").filter({ hasText: "Ivo" }).getByRole("button", { name: "Accept" }).click();
    await widget.getByText("Alice joined the chat").waitFor();
    await widget.getByLabel("Message", { exact: true }).fill("I need billing help");
    await widget.getByLabel("Message", { exact: true }).press("Enter");
    await alice.page.locator(".msg").filter({ hasText: "I need billing help" }).waitFor();

    // Bob is back; Alice hands the chat over.
    await bob.page.getByRole("button", { name: "Set available" }).click();
    await bob.page.getByText("Available", { exact: true }).waitFor();
    await alice.page.getByRole("button", { name: "Transfer…" }).click();
    await alice.page.getByLabel("Transfer to").selectOption({ label: "Bob" });
    await alice.page.getByRole("button", { name: "Transfer", exact: true }).click();
    await alice.page.getByText("Waiting for Bob to accept the transfer…").waitFor();
    const request = bob.page.locator(".request").filter({ hasText: "Ivo" });
    await request.getByText("transfer").waitFor();
    await request.getByRole("button", { name: "Accept" }).click();
    await alice.page.getByText("Transferred: your colleague has the chat now.").waitFor();

    // Bob has the history and the visitor; the visitor sees who joined and who left.
    await bob.page.locator(".msg").filter({ hasText: "I need billing help" }).waitFor();
    await widget.getByText("Bob joined the chat").waitFor();
    await widget.getByLabel("Message", { exact: true }).fill("Thanks, Bob");
    await widget.getByLabel("Message", { exact: true }).press("Enter");
    await bob.page.locator(".msg").filter({ hasText: "Thanks, Bob" }).waitFor();
    await bob.page.getByLabel("Reply").fill("Happy to help, Ivo");
    await bob.page.getByRole("button", { name: "Send", exact: true }).click();
    await widget.getByText("Happy to help, Ivo").waitFor();
    assert.equal(await alice.page.locator(".msg").filter({ hasText: "Thanks, Bob" }).count(), 0);
    assert.deepEqual([...errors, ...alice.errors, ...bob.errors], []);
    await Promise.all([page.close(), alice.page.close(), bob.page.close()]);
  }),
);

/**
 * Alice (signed in to a console) takes a chat from a visitor on the demo page, in a browser
 * context of its own (so that it can go offline); Bob is signed in too, and away until the test
 * sets him available again.
 */
async function chatWithAlice(name, email) {
  const alice = await signIn(0);
  const bob = await signIn(1);
  await bob.page.getByRole("button", { name: "Set away" }).click();
  await bob.page.getByText("Away", { exact: true }).waitFor();
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors = watchErrors(page);
  const widget = await startChat(page, server, "Sales", name, email);
  await alice.page.locator(".request").filter({ hasText: name }).getByRole("button", { name: "Accept" }).click();
  await widget.getByText("Alice joined the chat").waitFor();
  return { alice, bob, context, page, widget, errors };
}

test(
  "the visitor reloads mid-chat and carries on with the whole history, the agent in the console",
  keepScreenshots(() => browser, async () => {
    const { alice, bob, context, page, widget, errors } = await chatWithAlice("Kim", "kim@example.com");
    await widget.getByLabel("Message", { exact: true }).fill("Before the reload");
    await widget.getByLabel("Message", { exact: true }).press("Enter");
    await alice.page.locator(".msg").filter({ hasText: "Before the reload" }).waitFor();
    await alice.page.getByLabel("Reply").fill("Noted");
    await alice.page.getByRole("button", { name: "Send", exact: true }).click();
    await widget.getByText("Noted").waitFor();

    await page.reload();
    await page.getByRole("button", { name: "Open chat" }).click();
    for (const text of ["Alice joined the chat", "Before the reload", "Noted"]) {
      await page.getByRole("dialog").getByText(text).waitFor();
    }
    await page.getByRole("dialog").getByLabel("Message", { exact: true }).fill("After the reload");
    await page.getByRole("dialog").getByLabel("Message", { exact: true }).press("Enter");
    await alice.page.locator(".msg").filter({ hasText: "After the reload" }).waitFor();
    assert.equal(await alice.page.locator(".msg").filter({ hasText: "Before the reload" }).count(), 1);
    await bob.page.getByRole("button", { name: "Set available" }).click();
    assert.deepEqual([...errors, ...alice.errors, ...bob.errors], []);
    await Promise.all([context.close(), alice.page.close(), bob.page.close()]);
  }),
);

test(
  "the visitor's network drops; what they type meanwhile reaches the console once and in order",
  keepScreenshots(() => browser, async () => {
    const { alice, bob, context, page, widget, errors } = await chatWithAlice("Lee", "lee@example.com");

    await context.setOffline(true);
    await widget.getByText("Connection lost.", { exact: false }).waitFor();
    for (const text of ["first", "second", "third"]) {
      await widget.getByLabel("Message", { exact: true }).fill(text);
      await widget.getByLabel("Message", { exact: true }).press("Enter");
    }
    await context.setOffline(false);
    await alice.page.locator(".msg").filter({ hasText: "third" }).waitFor();
    const shown = await alice.page.locator(".msg:not(.msg--own)").allTextContents();
    assert.deepEqual(shown.filter((t) => ["first", "second", "third"].includes(t)), ["first", "second", "third"]);
    await bob.page.getByRole("button", { name: "Set available" }).click();
    assert.deepEqual(
      [...errors.filter((e) => !e.includes("ERR_INTERNET_DISCONNECTED")), ...alice.errors, ...bob.errors],
      [],
    );
    await Promise.all([context.close(), alice.page.close(), bob.page.close()]);
  }),
);

test(
  "a photo the visitor attaches is uploaded, then shown on both sides",
  keepScreenshots(() => browser, async () => {
    const alice = await signIn(0);
    const page = await browser.newPage();
    const errors = watchErrors(page);
    const widget = await startChat(page, server, "Sales", "Mai", "mai@example.com");
    await alice.page.locator(".request").filter({ hasText: "Mai" }).getByRole("button", { name: "Accept" }).click();
    await widget.getByText("Alice joined the chat").waitFor();

    // A 1×1 PNG.
    const png = Buffer.from(
      "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==",
      "base64",
    );
    await page.locator("[data-parlor-widget] #parlor-file").setInputFiles({ name: "cart.png", mimeType: "image/png", buffer: png });
    const preview = widget.getByRole("img", { name: "cart.png" });
    await preview.waitFor();
    assert.match(await preview.getAttribute("src"), /^blob:/);
    const decoded = (img) => img.evaluate((el) => new Promise((resolve) => {
      if (el.complete) resolve(el.naturalWidth);
      else el.addEventListener("load", () => resolve(el.naturalWidth), { once: true });
    }));
    assert.equal(await decoded(preview), 1, "the image decodes in the widget");
    const shown = alice.page.getByRole("img", { name: "cart.png" });
    await shown.waitFor();
    assert.equal(await decoded(shown), 1, "and in the console");
    assert.deepEqual([...errors, ...alice.errors], []);
    await Promise.all([page.close(), alice.page.close()]);
  }),
);
