// Settings › Webhooks: an admin adds an endpoint (a receiver on loopback), sends a test event,
// sees it delivered, and sends it again with the same id.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { createHmac } from "node:crypto";
import { auditWidget, keepScreenshots, signInConsole, useParlor } from "./harness.mjs";

const parlor = useParlor();

test(
  "an admin adds a webhook endpoint, sends a test event and sends it again",
  keepScreenshots(() => parlor.browser, async () => {
    const got = [];
    const receiver = createServer((request, response) => {
      let body = "";
      request.on("data", (chunk) => (body += chunk));
      request.on("end", () => {
        got.push({ headers: request.headers, body });
        response.writeHead(204).end();
      });
    });
    await new Promise((resolve) => receiver.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${receiver.address().port}/hooks`;
    const { page: agent, errors } = await signInConsole(parlor.browser, parlor.server, 0);
    await agent.getByRole("button", { name: "Settings" }).click();
    await agent.getByRole("navigation", { name: "Settings" }).getByRole("button", { name: "Webhooks" }).click();
    await agent.getByLabel("Endpoint URL").fill(url);
    // Every event is chosen at first; the admin leaves messages out.
    await agent.getByRole("checkbox", { name: "message.created" }).uncheck();
    await agent.getByRole("button", { name: "Add endpoint" }).click();
    await agent.getByRole("status").filter({ hasText: "Endpoint added." }).waitFor();
    const endpoint = agent.getByRole("region", { name: `Endpoint ${url}` });
    await endpoint.getByText("On · chat.created, chat.accepted, chat.transferred, chat.ended").waitFor();
    await endpoint.getByText("Signing secret").click();
    const secret = (await endpoint.locator("details code").innerText()).trim();

    await endpoint.getByRole("button", { name: "Send a test event" }).click();
    const deadline = Date.now() + 15_000;
    while (got.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    assert.equal(got.length, 1);
    const [first] = got;
    assert.equal(first.headers["x-parlor-event"], "webhook.test");
    const signature = "sha256=" + createHmac("sha256", secret).update(first.body).digest("hex");
    assert.equal(first.headers["x-parlor-signature"], signature);
    assert.equal(JSON.parse(first.body).id, first.headers["x-parlor-delivery"]);

    await endpoint.getByRole("button", { name: "Refresh" }).click();
    await endpoint.locator("td.delivery--delivered").first().waitFor();
    await endpoint.getByText("HTTP 204").waitFor();
    await endpoint.getByRole("button", { name: "Send again: webhook.test" }).click();
    while (got.length < 2 && Date.now() < deadline + 15_000) await new Promise((r) => setTimeout(r, 100));
    assert.equal(got[1].headers["x-parlor-delivery"], first.headers["x-parlor-delivery"]);

    assert.deepEqual(await auditWidget(agent, errors, "main.settings__page"), []);
    assert.deepEqual(errors, []);
    receiver.close();
    await agent.close();
  }),
);
