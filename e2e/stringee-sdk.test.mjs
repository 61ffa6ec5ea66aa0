// Compatibility: Stringee's own web SDK (npm `stringee`), unmodified, in headless Chromium,
// connects to a Parlor server as a visitor and as an agent and completes a live chat.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import { createRequire } from "node:module";
import { startParlor, launchChromium, watchErrors } from "./harness.mjs";

const require = createRequire(import.meta.url);
const SDK = readFileSync(require.resolve("stringee/index.js"), "utf8");

let server;
let browser;
let sdkSite;

/** A plain page on its own loopback origin that loads the SDK as its README says. */
function serveSdkPage() {
  const page =
    '<!doctype html><script src="/cjs.js"></script><script src="/stringee.js"></script>' +
    '<script src="/globals.js"></script>';
  const files = {
    "/": ["text/html", page],
    // The SDK is a CommonJS bundle: it needs `exports` and `module` to exist.
    "/cjs.js": ["text/javascript", "var exports = {}; var module = { exports: exports };"],
    "/stringee.js": ["text/javascript", SDK],
    "/favicon.ico": ["image/x-icon", ""],
    // Conversation.endChat() names `StringeeServiceType` as a global, which the bundle itself
    // never defines: a page must expose it.
    "/globals.js": ["text/javascript", "var StringeeServiceType = exports.StringeeServiceType;"],
  };
  const site = createServer((request, response) => {
    const [type, body] = files[request.url] ?? ["text/plain", "not found"];
    response.writeHead(files[request.url] ? 200 : 404, { "content-type": type });
    response.end(body);
  });
  return new Promise((resolve) => site.listen(0, "127.0.0.1", () => resolve(site)));
}

before(async () => {
  server = await startParlor();
  browser = await launchChromium();
  sdkSite = await serveSdkPage();
});

after(async () => {
  await browser?.close();
  await server?.stop();
  sdkSite?.close();
});

async function sdkPage() {
  const context = await browser.newContext();
  const page = await context.newPage();
  if (process.env.PARLOR_E2E_DEBUG) {
    page.on("console", (m) => console.error("page:", m.text().slice(0, 400)));
    page.on("websocket", (ws) => {
      ws.on("framesent", (f) => console.error("sent:", String(f.payload).slice(0, 400)));
      ws.on("framereceived", (f) => console.error("received:", String(f.payload).slice(0, 400)));
    });
  }
  await page.goto(`http://127.0.0.1:${sdkSite.address().port}/`);
  return page;
}

/** Connects `page`'s SDK client with `token`; records what the client reports. */
async function connect(page, token) {
  const ws = `${server.url.replace("http", "ws")}/ws`;
  return page.evaluate(
    ({ ws, token }) =>
      new Promise((resolve, reject) => {
        const client = new exports.StringeeClient([ws]);
        window.client = client;
        window.chat = new exports.StringeeChat(client);
        exports.StringeeChat2.init(client);
        window.seen = { requests: [], messages: [], ended: [] };
        client.on("receiveChatRequest", (request) => window.seen.requests.push(request));
        // Raw pushes, and StringeeChat2's message objects (whose `content` is the message).
        client.on("chatmessage", (push) => window.seen.messages.push(push.message?.content));
        client.on("addchatmessage", (message) => window.seen.messages.push(message.content?.content));
        client.on("conversationEnded", (event) => window.seen.ended.push(event));
        client.on("authen", (result) => (result.r === 0 ? resolve(result) : reject(new Error(JSON.stringify(result)))));
        client.connect(token);
      }),
    { ws, token },
  );
}

async function sendText(page, convId, content) {
  return page.evaluate(
    ({ convId, content }) =>
      new Promise((resolve, reject) => {
        window.chat.sendMessage({ convId, type: 1, message: { content } }, (ok, code, text) =>
          ok ? resolve(code) : reject(new Error(`${code} ${text}`)),
        );
      }),
    { convId, content },
  );
}

test("the official Stringee web SDK chats through Parlor, as visitor and as agent", async () => {
  const facts = server.facts;
  const query = new URLSearchParams({ key: facts.widget_key, username: "Sam SDK", email: "sam@example.com", userId: "sdk-browser" });
  const { access_token: visitorToken } = await (await fetch(`${server.url}/v1/chatcustomer?${query}`)).json();
  const alice = facts.agents[0];
  const login = await fetch(`${server.url}/v1/agent/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email: alice.email, password: alice.password }),
  });
  const { access_token: agentToken } = await login.json();

  const agent = await sdkPage();
  const visitor = await sdkPage();
  const agentErrors = watchErrors(agent);
  const visitorErrors = watchErrors(visitor);

  const agentAuth = await connect(agent, agentToken);
  assert.equal(agentAuth.userId, alice.user_id);
  const visitorAuth = await connect(visitor, visitorToken);
  assert.match(visitorAuth.userId, /^visitor-/);

  // The visitor starts a live chat in Sales.
  const convId = await visitor.evaluate(
    (queue) => exports.StringeeChat2.createLiveChatConversation(window.client, queue).then((c) => c.id),
    facts.queues[0].id,
  );
  assert.match(convId, /^conv-/);

  // The agent's SDK reports the chat request; the agent accepts it.
  await agent.waitForFunction(() => window.seen.requests.length > 0);
  const request = await agent.evaluate(() => {
    const r = window.seen.requests[0];
    return { convId: r.convId, customerName: r.customerName };
  });
  assert.deepEqual(request, { convId, customerName: "Sam SDK" });
  await agent.evaluate(() => window.seen.requests[0].acceptRequest());

  // Messages both ways.
  await sendText(visitor, convId, "Hello from Stringee's own SDK");
  await agent.waitForFunction(() => window.seen.messages.includes("Hello from Stringee's own SDK"));
  await sendText(agent, convId, "Hi Sam, Alice here");
  await visitor.waitForFunction(() => window.seen.messages.includes("Hi Sam, Alice here"));

  // The visitor ends the chat; the agent's SDK hears of it.
  await visitor.evaluate((id) => exports.StringeeChat2.getConversationsByIds(window.client, [id]).then((c) => c[0].endChat()), convId);
  await agent.waitForFunction(() => window.seen.ended.length > 0);

  const unexpected = (errors) => errors.filter((e) => !e.startsWith("console: Please implement"));
  assert.deepEqual(unexpected(agentErrors), []);
  assert.deepEqual(unexpected(visitorErrors), []);
});
