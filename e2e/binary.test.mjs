// One file to deploy: the `parlor` binary copied alone into an empty folder serves the demo
// page, the widget and the console it embeds, precompressed and cached as a browser wants.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { request } from "node:http";
import { startParlor, launchChromium, signInConsole, watchErrors } from "./harness.mjs";

let server;
let browser;

before(async () => {
  server = await startParlor({ alone: true });
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

/** A GET whose body is left as sent (Node's fetch would decode it). */
function get(url, headers = {}) {
  return new Promise((resolve, reject) => {
    request(url, { headers }, (response) => {
      const chunks = [];
      response.on("data", (chunk) => chunks.push(chunk));
      response.on("end", () => resolve({ status: response.statusCode, headers: response.headers, body: Buffer.concat(chunks) }));
    }).on("error", reject).end();
  });
}

test("the lone binary names its build and the bundles it carries", () => {
  const version = execFileSync(server.bin, ["--version"], { encoding: "utf8" });
  assert.match(version, /^parlor \d+\.\d+\.\d+ \(\w+ build, widget [0-9a-f]{16}, console [0-9a-f]{16}\)/);
});

test("the lone binary's widget opens on its demo page, and its console signs in", async () => {
  const page = await browser.newPage();
  const errors = watchErrors(page);
  await page.goto(`${server.url}/`);
  await page.getByRole("button", { name: "Open chat" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByRole("heading", { name: "Parlor Demo" }).waitFor();
  assert.deepEqual(await dialog.getByRole("list").getByRole("button").allTextContents(), ["Sales", "Support"]);

  assert.deepEqual(errors, []);
  await page.close();

  const agent = await signInConsole(browser, server, 0);
  assert.deepEqual(agent.errors, []);
  await agent.page.close();
});

test("the embedded wasm goes out as brotli or gzip, cached for good; the loader is revalidated", async () => {
  const wasm = readdirSync(process.env.PARLOR_WIDGET_DIR).find((name) => name.endsWith(".wasm"));
  const url = `${server.url}/widget/${wasm}`;
  const plain = await get(url);
  assert.equal(plain.status, 200);
  assert.equal(plain.headers["content-type"], "application/wasm");
  assert.equal(plain.headers["content-encoding"], undefined);
  assert.equal(plain.body.subarray(0, 4).toString("latin1"), "\0asm");
  assert.equal(plain.headers["cache-control"], "public, max-age=31536000, immutable");

  const brotli = await get(url, { "accept-encoding": "gzip, deflate, br" });
  assert.equal(brotli.headers["content-encoding"], "br");
  assert.equal(brotli.headers.vary, "accept-encoding");
  assert.ok(brotli.body.length < plain.body.length / 2, `${brotli.body.length} of ${plain.body.length}`);
  const gzip = await get(url, { "accept-encoding": "gzip" });
  assert.equal(gzip.headers["content-encoding"], "gzip");
  assert.deepEqual(gzip.body.subarray(0, 2), Buffer.from([0x1f, 0x8b]));

  const loader = await get(`${server.url}/widget/parlor.js`);
  assert.equal(loader.headers["cache-control"], "no-cache");
  const again = await get(`${server.url}/widget/parlor.js`, { "if-none-match": loader.headers.etag });
  assert.equal(again.status, 304);
  assert.equal((await get(`${server.url}/widget/nothing.js`)).status, 404);
});
