// Attachments, properly: an upload shows its progress in percent and can be cancelled (on a
// throttled connection, so that it takes a while); a file dropped on the conversation and an
// image pasted into the composer are sent; the agent attaches, drops and pastes as well.
import { test } from "node:test";
import assert from "node:assert/strict";
import { watchErrors, auditWidget, keepScreenshots, startChat, signInConsole, useParlor, acceptChat } from "./harness.mjs";

const parlor = useParlor();

// A 1×1 PNG.
const PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";

/** Dispatches `kind` (drop or paste) carrying a file on the element `locator` finds. */
async function giveFile(locator, kind, name, type, base64) {
  await locator.evaluate(
    (element, [kind, name, type, base64]) => {
      const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
      const data = new DataTransfer();
      data.items.add(new File([bytes], name, { type }));
      const event = kind === "paste"
        ? new ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true })
        : new DragEvent("drop", { dataTransfer: data, bubbles: true, cancelable: true });
      element.dispatchEvent(event);
    },
    [kind, name, type, base64],
  );
}

test(
  "uploads show progress and cancel; files are dropped and pasted on both sides",
  keepScreenshots(() => parlor.browser, async () => {
    const { page: agent, errors } = await signInConsole(parlor.browser, parlor.server, 0);
    const visitor = await parlor.browser.newPage();
    const visitorErrors = watchErrors(visitor);
    const panel = await startChat(visitor, parlor.server, "Sales", "Nora Visitor", "nora@example.com");
    await acceptChat(agent, panel, "Nora Visitor");

    // On a slow uplink (64 KB/s), a 2 MB file takes half a minute: its progress shows, and
    // Nora cancels it.
    const cdp = await visitor.context().newCDPSession(visitor);
    await cdp.send("Network.enable");
    await cdp.send("Network.emulateNetworkConditions", {
      offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: 64 * 1024,
    });
    const big = Buffer.alloc(2 * 1024 * 1024, 7);
    await visitor.locator("[data-parlor-widget] #parlor-file").setInputFiles({ name: "scan.pdf", mimeType: "application/pdf", buffer: big });
    await panel.getByText("Uploading scan.pdf…").waitFor();
    const bar = panel.getByRole("progressbar");
    await visitor.waitForFunction(
      () => document.querySelector("[data-parlor-widget]").shadowRoot.querySelector("progress")?.value > 0,
    );
    const percent = Number(await bar.evaluate((p) => p.value));
    assert.ok(percent > 0 && percent < 100, `part of the way: ${percent}%`);
    assert.match(await panel.locator(".upload").innerText(), new RegExp(`${percent}%|\\d+%`));
    assert.deepEqual(await auditWidget(visitor, visitorErrors), []);
    await panel.getByRole("button", { name: "Cancel", exact: true }).click();
    await panel.getByText("Uploading scan.pdf…").waitFor({ state: "detached" });
    await cdp.send("Network.emulateNetworkConditions", {
      offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1,
    });

    // A file dropped on the conversation, then an image pasted into the composer.
    const conversation = visitor.locator("[data-parlor-widget] .conversation");
    await giveFile(conversation, "drop", "notes.txt", "text/plain", Buffer.from("order 42").toString("base64"));
    await agent.getByRole("link", { name: /notes\.txt/ }).or(agent.getByText("notes.txt")).first().waitFor();
    await giveFile(visitor.locator("[data-parlor-widget] #parlor-composer"), "paste", "pasted.png", "image/png", PNG);
    await agent.getByRole("img", { name: "pasted.png" }).waitFor();
    // The cancelled one never arrived: Nora's next words come right after the pasted image.
    await panel.getByLabel("Message", { exact: true }).fill("That is all");
    await panel.getByLabel("Message", { exact: true }).press("Enter");
    await agent.locator(".msg").filter({ hasText: "That is all" }).waitFor();
    assert.equal(await agent.getByText("scan.pdf").count(), 0);

    // The agent attaches, drops and pastes too.
    await agent.locator("#attach-file").setInputFiles({ name: "invoice.png", mimeType: "image/png", buffer: Buffer.from(PNG, "base64") });
    await panel.getByRole("img", { name: "invoice.png" }).waitFor();
    await giveFile(agent.locator(".pane"), "drop", "terms.txt", "text/plain", Buffer.from("terms").toString("base64"));
    await panel.getByText("terms.txt").waitFor();
    await giveFile(agent.locator("#reply"), "paste", "screen.png", "image/png", PNG);
    await panel.getByRole("img", { name: "screen.png" }).waitFor();
    assert.deepEqual(await auditWidget(agent, errors, "body"), []);

    assert.deepEqual(visitorErrors, []);
    assert.deepEqual(errors, []);
    await visitor.close();
    await agent.close();
  }),
);
