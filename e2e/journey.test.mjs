// The visitor's whole journey on the demo page served by `parlor serve`, in headless Chromium,
// with the agent's side played through the protocol: a chat from launcher to rating and
// transcript by mouse, and a ticket when nobody is online by keyboard alone, in Vietnamese.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { startParlor, launchChromium, watchErrors, agentSocket, outbox, auditWidget, keepScreenshots, startChat } from "./harness.mjs";

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

/** Waits until `check()` is true (polling), at most 10 s. */
async function eventually(check, what) {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.fail(`timed out waiting for ${what}`);
}

test(
  "a visitor chats with an agent from the launcher to a rated chat and a mailed transcript",
  keepScreenshots(() => browser, async () => {
    const alice = await agentSocket(browser, server, 0);
    const page = await browser.newPage();
    const errors = watchErrors(page);
    await page.goto(`${server.url}/`);
    await page.getByRole("button", { name: "Open chat" }).click();
    const panel = page.getByRole("dialog");
    await panel.getByRole("button", { name: "Sales" }).waitFor();
    assert.deepEqual(await auditWidget(page, errors), [], "the queue picker");
    await panel.getByRole("button", { name: "Sales" }).click();

    // The form says what is missing, and keeps the visitor there.
    await panel.getByRole("button", { name: "Start chat" }).click();
    await panel.getByText("Please enter your name.").waitFor();
    await panel.getByText("Please enter your email.").waitFor();
    assert.deepEqual(await auditWidget(page, errors), [], "the pre-chat form with its errors");
    await panel.getByLabel("Name").fill("Ann <b>Bold</b>");
    await panel.getByLabel("Email").fill("ann@example");
    await panel.getByRole("button", { name: "Start chat" }).click();
    await panel.getByText("Please enter a valid email address").waitFor();
    await panel.getByLabel("Email").fill("ann@example.com");
    await panel.getByRole("button", { name: "Start chat" }).click();
    await panel.getByText("Connecting you…").waitFor();

    // The agent is offered the chat and takes it; the visitor sees who joined.
    const offer = await alice.push(64);
    assert.equal(offer.customerName, "Ann <b>Bold</b>");
    const accepted = await alice.request(65, { convId: offer.convId, answer: true });
    assert.equal(accepted.r, 0);
    await panel.getByText("Alice joined the chat").waitFor();

    // Hostile text goes both ways as text.
    const hostile = 'Hello <img src=x onerror="window.pwned=1">';
    await panel.getByLabel("Message", { exact: true }).fill(hostile);
    await panel.getByLabel("Message", { exact: true }).press("Enter");
    const got = await alice.push(45, { type: 1 });
    assert.equal(got.message.content, hostile);
    await panel.getByText(hostile).waitFor();
    const reply = await alice.request(42, {
      convId: offer.convId, type: 1, localDbId: "a1",
      message: { content: "Hi Ann! <script>window.pwned=2</script> See https://example.com/help." },
    });
    assert.equal(reply.r, 0);
    const link = panel.getByRole("link", { name: "https://example.com/help" });
    await link.waitFor();
    assert.equal(await link.getAttribute("href"), "https://example.com/help");
    assert.equal(await link.getAttribute("rel"), "noopener noreferrer nofollow");
    await panel.getByText("<script>window.pwned=2</script>", { exact: false }).waitFor();
    assert.equal(await page.evaluate(() => window.pwned), undefined);
    const widgetImages = await page.evaluate(
      () => document.querySelector("[data-parlor-widget]").shadowRoot.querySelectorAll("img").length,
    );
    assert.equal(widgetImages, 0);

    // Typing and the read mark reach the visitor.
    await alice.request(84, { convId: offer.convId });
    await panel.getByText("Alice is typing…").waitFor();
    assert.deepEqual(await auditWidget(page, errors), [], "the conversation");
    await alice.request(46, { convId: offer.convId, lastMsgSeq: got.seq, status: 2 });
    await panel.locator(".message--own").filter({ hasText: hostile }).getByText("Read").waitFor();

    // The agent ends the chat; the visitor rates it and asks for the transcript.
    await alice.request(68, { convId: offer.convId });
    await panel.getByText("The chat has ended.").first().waitFor();
    await panel.getByRole("button", { name: "Good" }).click();
    await panel.getByLabel("Comment").fill("Quick and kind");
    await panel.getByRole("button", { name: "Send rating" }).click();
    await panel.getByText("Thank you for your feedback.").waitFor();
    assert.deepEqual(await auditWidget(page, errors), [], "the end of the chat");
    const rating = await alice.push(45, { type: 14 });
    assert.deepEqual(rating.message, { rating: 1, comment: "Quick and kind" });
    assert.equal(await panel.getByLabel("Email me the transcript").inputValue(), "ann@example.com");
    await panel.getByRole("button", { name: "Send transcript" }).click();
    await panel.getByText("The transcript is on its way to ann@example.com.").waitFor();
    await eventually(() => outbox(server).some((m) => m.includes("To: ann@example.com")), "the transcript mail");
    const mail = outbox(server).find((m) => m.includes("To: ann@example.com"));
    assert.match(mail, /Alice: Hi Ann!/);

    assert.deepEqual(errors, []);
    await alice.close();
    await page.close();
  }),
);

test(
  "with nobody online, a visitor leaves a ticket by keyboard alone, in Vietnamese",
  keepScreenshots(() => browser, async () => {
    const page = await browser.newPage();
    const errors = watchErrors(page);
    await page.goto(`${server.url}/`);
    await page.waitForFunction(() => window.Parlor && window.Parlor.version);
    await page.evaluate(() => window.Parlor.setLocale("vi"));

    // The launcher is a button: focus it and press Enter.
    const launcher = page.getByRole("button", { name: /chat|trò chuyện/i });
    await launcher.focus();
    await page.keyboard.press("Enter");
    const panel = page.getByRole("dialog");
    await panel.getByText("Bạn muốn trò chuyện với bộ phận nào?").waitFor();
    await page.keyboard.press("Tab"); // the close button
    await page.keyboard.press("Tab"); // Sales
    const active = () =>
      page.evaluate(() => document.querySelector("[data-parlor-widget]").shadowRoot.activeElement?.textContent);
    assert.equal(await active(), "Sales");
    await page.keyboard.press("Enter");

    // Nobody serves Sales now: the ticket form, focused on its first field.
    await panel.getByText("Hiện không có ai trực tuyến", { exact: false }).waitFor();
    assert.deepEqual(await auditWidget(page, errors), [], "the ticket form");
    await page.keyboard.type("Bình <i>Nguyễn</i>");
    await page.keyboard.press("Tab");
    await page.keyboard.type("binh@example.com");
    await page.keyboard.press("Tab");
    await page.keyboard.press("Tab");
    await page.keyboard.type("Tôi cần báo giá cho 10 sản phẩm.");
    await page.keyboard.press("Tab");
    await page.keyboard.press("Enter");
    await panel.getByText("Cảm ơn bạn! Chúng tôi đã nhận được lời nhắn", { exact: false }).waitFor();

    // Stored, listed for agents, and mailed to them.
    const login = await fetch(`${server.url}/v1/agent/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: server.facts.agents[0].email, password: server.facts.agents[0].password }),
    });
    const { access_token: token } = await login.json();
    const list = await (await fetch(`${server.url}/v1/agent/tickets`, { headers: { "X-STRINGEE-AUTH": token } })).json();
    const ticket = list.tickets.find((t) => t.email === "binh@example.com");
    assert.ok(ticket, JSON.stringify(list));
    assert.equal(ticket.name, "Bình <i>Nguyễn</i>");
    assert.equal(ticket.note, "Tôi cần báo giá cho 10 sản phẩm.");
    assert.equal(ticket.queueId, server.facts.queues[0].id);
    await eventually(() => outbox(server).some((m) => m.includes("Reply-To: binh@example.com")), "the ticket notice");

    // Escape closes the panel and gives focus back to the launcher.
    await page.keyboard.press("Escape");
    assert.equal(await page.getByRole("dialog").count(), 0);
    const focused = await page.evaluate(
      () => document.querySelector("[data-parlor-widget]").shadowRoot.activeElement?.className,
    );
    assert.equal(focused, "launcher");
    assert.deepEqual(errors, []);
    await page.close();
  }),
);

test(
  "unread messages show on the launcher and in the title, and a reload resumes the chat",
  keepScreenshots(() => browser, async () => {
    const alice = await agentSocket(browser, server, 0);
    const context = await browser.newContext();
    const page = await context.newPage();
    const errors = watchErrors(page);
    const panel = await startChat(page, server, "Support", "Chi", "chi@example.com");
    const offer = await alice.push(64);
    await alice.request(65, { convId: offer.convId, answer: true });
    await panel.getByLabel("Message", { exact: true }).fill("First question");
    await panel.getByRole("button", { name: "Send", exact: true }).click();
    await alice.push(45, { type: 1 });

    // The panel is closed when the answer comes.
    await panel.getByRole("button", { name: "Close chat" }).click();
    await alice.request(42, { convId: offer.convId, type: 1, message: { content: "Answer one" } });
    await alice.request(42, { convId: offer.convId, type: 1, message: { content: "Answer two" } });
    await page.getByRole("button", { name: "Open chat, 2 unread" }).waitFor();
    await eventually(async () => /2 unread|\(2\)/.test(await page.title()), "the title to count unread messages");

    // Enough history that the message list scrolls.
    for (let i = 1; i <= 14; i += 1) {
      await alice.request(42, { convId: offer.convId, type: 1, message: { content: `Detail ${i}` } });
    }

    // A reload: the chat is where it was, history included, and opening reads the messages.
    await page.reload();
    await page.getByRole("button", { name: "Open chat" }).click();
    for (const text of ["First question", "Answer one", "Answer two", "Detail 14"]) {
      await page.getByRole("dialog").getByText(text, { exact: true }).waitFor();
    }
    // The resumed widget, its history scrolling, passes the audit too.
    assert.deepEqual(await auditWidget(page, errors), [], "resumed after a reload");
    await page.getByRole("dialog").getByLabel("Message", { exact: true }).fill("Still here after a reload");
    await page.getByRole("dialog").getByLabel("Message", { exact: true }).press("Enter");
    const after = await alice.push(45, { type: 1 });
    assert.equal(after.message.content, "Still here after a reload");
    assert.equal(after.convId, offer.convId);
    await alice.request(68, { convId: offer.convId });
    assert.deepEqual(errors, []);
    await alice.close();
    await context.close();
  }),
);

test(
  "a chat nobody takes in time turns into the ticket form",
  keepScreenshots(() => browser, async () => {
    const support = server.facts.queues[1];
    execFileSync(process.env.PARLOR_BIN, [
      "configure", "--data", server.data, "--queue", support.name, "--answer-timeout", "1", "--queue-timeout", "2",
    ]);
    const bob = await agentSocket(browser, server, 1);
    const page = await browser.newPage();
    const errors = watchErrors(page);
    const panel = await startChat(page, server, "Support", "Dan", "dan@example.com");
    await bob.push(64); // offered, and ignored
    await panel.getByText("Sorry, nobody could answer in time.", { exact: false }).waitFor();
    assert.equal(await panel.getByLabel("Name").inputValue(), "Dan");
    assert.equal(await panel.getByLabel("Email").inputValue(), "dan@example.com");
    await panel.getByLabel("How can we help?").fill("Please call me back.");
    await panel.getByRole("button", { name: "Send message" }).click();
    await panel.getByText("Thank you! We received your message").waitFor();
    assert.deepEqual(errors, []);
    await bob.close();
    await page.close();
  }),
);

test(
  "a visitor goes through a whole chat by keyboard alone, in Vietnamese",
  keepScreenshots(() => browser, async () => {
    const alice = await agentSocket(browser, server, 0);
    const page = await browser.newPage();
    const errors = watchErrors(page);
    await page.goto(`${server.url}/`);
    await page.waitForFunction(() => window.Parlor && window.Parlor.version);
    await page.evaluate(() => window.Parlor.setLocale("vi"));
    const active = () =>
      page.evaluate(() => {
        const el = document.querySelector("[data-parlor-widget]").shadowRoot.activeElement;
        return el ? (el.getAttribute("aria-label") || el.id || el.textContent.trim()) : null;
      });
    const tabTo = async (wanted) => {
      for (let i = 0; i < 12; i++) {
        await page.keyboard.press("Tab");
        if ((await active()) === wanted) return;
      }
      assert.fail(`Tab never reached ${wanted}; focus is on ${await active()}`);
    };

    await page.getByRole("button", { name: /trò chuyện|chat/i }).focus();
    await page.keyboard.press("Enter");
    const panel = page.getByRole("dialog");
    await panel.getByText("Bạn muốn trò chuyện với bộ phận nào?").waitFor();
    await tabTo("Sales");
    await page.keyboard.press("Enter");
    await panel.getByText("Cho chúng tôi biết bạn là ai", { exact: false }).waitFor();
    assert.equal(await active(), "parlor-name");
    await page.keyboard.type("Lan");
    await page.keyboard.press("Tab");
    await page.keyboard.type("lan@example.com");
    await tabTo("Bắt đầu trò chuyện");
    await page.keyboard.press("Enter");
    await panel.getByText("Đang kết nối…").waitFor();

    const offer = await alice.push(64);
    await alice.request(65, { convId: offer.convId, answer: true });
    await panel.getByText("Alice đã tham gia").waitFor();
    assert.equal(await active(), "parlor-composer");
    await page.keyboard.type("Xin chào, tôi cần hỗ trợ.");
    await page.keyboard.press("Enter");
    assert.equal((await alice.push(45, { type: 1 })).message.content, "Xin chào, tôi cần hỗ trợ.");
    await alice.request(42, { convId: offer.convId, type: 1, message: { content: "Chào Lan!" } });
    await panel.getByText("Chào Lan!").waitFor();

    // The visitor ends the chat, confirming by keyboard; then rates it.
    await tabTo("Kết thúc");
    await page.keyboard.press("Enter");
    await panel.getByText("Kết thúc cuộc trò chuyện này?").waitFor();
    await tabTo("Kết thúc");
    await page.keyboard.press("Enter");
    await panel.getByText("Cuộc trò chuyện đã kết thúc.").first().waitFor();
    assert.equal((await alice.push(98)).convId, offer.convId);
    await tabTo("Tốt");
    await page.keyboard.press("Enter");
    await tabTo("parlor-comment");
    await page.keyboard.type("Rất nhanh");
    await tabTo("Gửi đánh giá");
    await page.keyboard.press("Enter");
    await panel.getByText("Cảm ơn bạn đã góp ý.").waitFor();
    const rating = await alice.push(45, { type: 14 });
    assert.deepEqual(rating.message, { rating: 1, comment: "Rất nhanh" });
    await tabTo("Gửi nội dung");
    await page.keyboard.press("Enter");
    await panel.getByText("Nội dung trò chuyện đang được gửi tới lan@example.com.").waitFor();
    assert.deepEqual(await auditWidget(page, errors), [], "the ended chat, in Vietnamese");
    assert.deepEqual(errors, []);
    await alice.close();
    await page.close();
  }),
);

test(
  "what a visitor types while their network is down arrives once and in order when it returns",
  keepScreenshots(() => browser, async () => {
    const alice = await agentSocket(browser, server, 0);
    const context = await browser.newContext();
    const page = await context.newPage();
    const errors = watchErrors(page);
    const panel = await startChat(page, server, "Sales", "Gia", "gia@example.com");
    const offer = await alice.push(64);
    await alice.request(65, { convId: offer.convId, answer: true });
    await panel.getByText("Alice joined the chat").waitFor();

    await context.setOffline(true);
    await panel.getByText("Connection lost.", { exact: false }).waitFor();
    const composer = panel.getByLabel("Message", { exact: true });
    for (const text of ["one", "two", "three"]) {
      await composer.fill(text);
      await composer.press("Enter");
    }
    // Shown at once as sending, and nothing reached the agent.
    await panel.locator(".message--own").filter({ hasText: "three" }).getByText("Sending").waitFor();
    await alice.request(42, { convId: offer.convId, type: 1, message: { content: "Are you there?" } });

    await context.setOffline(false);
    await panel.getByText("Are you there?").waitFor();
    const got = [];
    while (got.length < 3) got.push((await alice.push(45, { type: 1 })).message.content);
    assert.deepEqual(got, ["one", "two", "three"]);
    await panel.locator(".message--own").filter({ hasText: "three" }).getByText("Sent").waitFor();
    await eventually(async () => !(await panel.getByText("Connection lost.", { exact: false }).isVisible()), "the banner to go");

    // Each shows once in the widget, in order, after the agent's line.
    const bubbles = await panel.locator(".bubble").allTextContents();
    assert.deepEqual(bubbles.filter((b) => ["one", "two", "three", "Are you there?"].includes(b)), [
      "Are you there?", "one", "two", "three",
    ]);
    await alice.request(68, { convId: offer.convId });
    assert.deepEqual(errors.filter((e) => !e.includes("ERR_INTERNET_DISCONNECTED")), []);
    await alice.close();
    await context.close();
  }),
);
