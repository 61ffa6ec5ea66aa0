// An owner sets Parlor up for their own site from the console, and it shows in the widget:
// from `parlor init --portal` to a branded chat answered by an invited agent.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startParlor, launchChromium, watchErrors, auditWidget, outbox, keepScreenshots } from "./harness.mjs";

let server;
let browser;

before(async () => {
  server = await startParlor({ init: ["--portal", "Acme Tea", "--admin-email", "owner@acme.example", "--admin-name", "Olivia"] });
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

/** Signs in to the console in a new page; answers the page and its error list. */
async function signIn(email, password) {
  const page = await browser.newPage();
  const errors = watchErrors(page);
  await page.goto(`${server.url}/console/`);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByText("Available", { exact: true }).waitFor();
  return { page, errors };
}

/** The invitation link of the newest mail (quoted-printable undone). */
function invitationLink() {
  const mail = outbox(server).pop().replace(/=\r?\n/g, "").replace(/=3D/g, "=");
  const match = /(http:\/\/\S+\/console\/#invite=[0-9a-f]+)/.exec(mail);
  assert.ok(match, mail);
  return match[1];
}

test(
  "an owner brands the widget, adds a queue and a field, invites an agent who chats with a visitor, then deactivates them",
  keepScreenshots(() => browser, async () => {
    const admin = server.facts.admin;
    assert.equal(admin.email, "owner@acme.example");
    const { page: owner, errors: ownerErrors } = await signIn(admin.email, admin.password);

    // Settings › Widget: name, colour, greeting; the preview follows, the snippet has the key.
    await owner.getByRole("button", { name: "Settings" }).click();
    await owner.getByLabel("Name in the widget's header").fill("Acme Tea House");
    await owner.getByLabel("Brand colour").fill("#0f766e");
    await owner.getByLabel("Greeting, shown when the widget opens").fill("Welcome to Acme Tea! Ask us anything.");
    await owner.getByRole("region", { name: "Preview" }).getByText("Welcome to Acme Tea! Ask us anything.").waitFor();
    assert.match(await owner.locator(".snippet").innerText(), new RegExp(`data-widget-key="${server.facts.widget_key}"`));
    await owner.getByRole("button", { name: "Save" }).click();
    await owner.getByRole("status").getByText("Saved.").waitFor();
    assert.deepEqual(await auditWidget(owner, ownerErrors, "body"), [], "Settings › Widget");

    // Settings › Queues: a new queue.
    await owner.getByRole("navigation", { name: "Settings" }).getByRole("button", { name: "Queues" }).click();
    await owner.getByLabel("New queue").fill("Wholesale");
    await owner.getByRole("button", { name: "Add queue" }).click();
    await owner.getByRole("status").getByText("Queue added.").waitFor();

    // Settings › Pre-chat form: a required field.
    await owner.getByRole("navigation", { name: "Settings" }).getByRole("button", { name: "Pre-chat form" }).click();
    await owner.getByRole("button", { name: "Add a field" }).click();
    await owner.getByLabel("Key (a-z, 0-9, _)").fill("order");
    await owner.getByLabel("Label (English)").fill("Order number");
    await owner.getByLabel("Required").check();
    await owner.getByRole("button", { name: "Save" }).click();
    await owner.getByRole("status").getByText("Saved.").waitFor();

    // Settings › Agents: an invitation, whose link is in the outbox.
    await owner.getByRole("navigation", { name: "Settings" }).getByRole("button", { name: "Agents" }).click();
    await owner.getByLabel("Invite by email").fill("carol@acme.example");
    await owner.getByLabel("Name (optional)").fill("Carol");
    await owner.getByRole("button", { name: "Send invitation" }).click();
    await owner.getByRole("status").getByText(/Invitation sent/).waitFor();
    await owner.getByRole("cell", { name: /carol@acme\.example/ }).waitFor();
    assert.deepEqual(await auditWidget(owner, ownerErrors, "body"), [], "Settings › Agents");
    // The owner takes no chats of the new queue (not a member): Carol will be offered it.
    await owner.getByRole("button", { name: "Chats" }).click();

    // Carol follows the link, sets her password and signs in.
    const link = invitationLink();
    const invited = await browser.newPage();
    await invited.goto(link);
    await invited.getByLabel("Password (at least 10 characters)").fill("oolong every morning");
    await invited.getByLabel("The same password again").fill("oolong every morning");
    await invited.getByRole("button", { name: "Set password" }).click();
    await invited.getByText("Your password is set. Sign in as carol@acme.example.").waitFor();
    await invited.close();
    const { page: carol, errors: carolErrors } = await signIn("carol@acme.example", "oolong every morning");
    assert.equal(await carol.getByRole("button", { name: "Settings" }).count(), 0, "agents have no Settings");

    // A visitor sees the new name, colour, greeting and queue, and answers the new field.
    const visitor = await browser.newPage();
    const visitorErrors = watchErrors(visitor);
    await visitor.goto(`${server.url}/`);
    await visitor.waitForFunction(() => document.querySelector("[data-parlor-widget]")?.shadowRoot.querySelector(".parlor-root"));
    await visitor.getByRole("button", { name: "Open chat" }).click();
    const widget = visitor.getByRole("dialog");
    await widget.getByRole("heading", { name: "Acme Tea House" }).waitFor();
    await widget.getByText("Welcome to Acme Tea! Ask us anything.").waitFor();
    const header = await widget.locator(".panel__header").evaluate((e) => getComputedStyle(e).backgroundColor);
    assert.equal(header, "rgb(15, 118, 110)");
    await widget.getByRole("button", { name: "Wholesale" }).click();
    await widget.getByLabel("Name").fill("Vera Visitor");
    await widget.getByLabel("Email").fill("vera@example.com");
    await widget.getByRole("button", { name: "Start chat" }).click();
    // The required field is checked before anything is sent.
    await widget.getByText("Please answer “Order number”.").waitFor();
    assert.deepEqual(await auditWidget(visitor, visitorErrors), [], "the pre-chat form with the portal's field");
    await widget.getByLabel(/Order number/).fill("A-1042");
    await widget.getByRole("button", { name: "Start chat" }).click();
    await widget.getByText("Connecting you…").waitFor();

    // Carol is offered the chat, takes it, and sees the answer in the visitor's details.
    const request = carol.locator(".request").filter({ hasText: "Vera Visitor" });
    await request.getByRole("button", { name: "Accept" }).click();
    await widget.getByText("Carol joined the chat").waitFor();
    const details = carol.getByRole("complementary", { name: "Visitor" });
    await details.getByText("Order number").waitFor();
    await details.getByText("A-1042").waitFor();
    await details.getByText(/^Chrome \d+ on Linux$/).waitFor();
    await carol.getByLabel("Reply").fill("Hello Vera, your order is on its way.");
    await carol.getByLabel("Reply").press("Enter");
    await widget.getByText("Hello Vera, your order is on its way.").waitFor();

    // The owner deactivates Carol: her console is signed out at once.
    await owner.getByRole("button", { name: "Settings" }).click();
    await owner.getByRole("navigation", { name: "Settings" }).getByRole("button", { name: "Agents" }).click();
    const row = owner.getByRole("row").filter({ hasText: "carol@acme.example" });
    await row.getByRole("button", { name: "Deactivate" }).click();
    await carol.getByText(/You were signed out/).waitFor();
    await carol.getByRole("button", { name: "Sign in" }).waitFor();
    await owner.getByRole("button", { name: "Settings" }).waitFor();

    await owner.getByRole("status").getByText(/Deactivated/).waitFor();

    // With identity verification on, a visitor the site has not signed in is told so.
    await owner.getByRole("navigation", { name: "Settings" }).getByRole("button", { name: "Security" }).click();
    await owner.getByLabel(/Identity verification/).check();
    await owner.getByRole("button", { name: "Save" }).click();
    await owner.getByRole("status").getByText("Saved.").waitFor();
    const stranger = await browser.newPage();
    await stranger.goto(`${server.url}/`);
    await stranger.waitForFunction(() => document.querySelector("[data-parlor-widget]")?.shadowRoot.querySelector(".parlor-root"));
    await stranger.getByRole("button", { name: "Open chat" }).click();
    const strangerWidget = stranger.getByRole("dialog");
    await strangerWidget.getByRole("button", { name: "General" }).click();
    await strangerWidget.getByLabel("Name").fill("Sam");
    await strangerWidget.getByLabel("Email").fill("sam@example.com");
    await strangerWidget.getByLabel(/Order number/).fill("A-7");
    await strangerWidget.getByRole("button", { name: "Start chat" }).click();
    await strangerWidget.getByText(/Please sign in on this site first/).waitFor();
    await stranger.close();

    // Every Settings page passes the accessibility audit, reached by keyboard from the menu.
    for (const name of ["Widget", "Queues", "Agents", "Business hours", "Pre-chat form", "Security", "Audit log"]) {
      const item = owner.getByRole("navigation", { name: "Settings" }).getByRole("button", { name });
      await item.focus();
      await owner.keyboard.press("Enter");
      await owner.getByRole("heading", { level: 1, name }).waitFor();
      assert.deepEqual(await auditWidget(owner, ownerErrors, "body"), [], `Settings › ${name}`);
    }
    // The audit log tells who did what.
    await owner.getByRole("cell", { name: "agent.deactivate" }).waitFor();
    await owner.getByRole("cell", { name: "agent.invite" }).waitFor();

    for (const [who, errors] of [["owner", ownerErrors], ["carol", carolErrors], ["visitor", visitorErrors]]) {
      assert.deepEqual(errors.filter((e) => !/WebSocket|401|403|Failed to load resource/.test(e)), [], who);
    }
  }),
);
