// The SDK scenario in TypeScript/JavaScript (ESM, Node 20), the same steps as scenario.py:
// prints one JSON object for sdks/tests/conftest.py's scenario_check.
import { randomUUID } from "node:crypto";
import {
  NotFoundError, OpenChance, RateLimitedError, ValidationError, Webhook, WebhookVerificationError,
  api,
} from "../../typescript/dist/esm/index.js";

const retries = [];
const client = new OpenChance({ maxRetries: 5, onRetry: (info) => retries.push(info) });
const tag = `sdk-ts-${randomUUID().slice(0, 6)}`;
const result = {};

result.created = [];
for (const n of [0, 1, 2]) result.created.push((await client.challenges.create({ title: `${tag} ${n}` })).id);
const firstPage = await client.request("GET", "/v1/challenges", { query: { limit: 2, search: tag } });
result.first_page = { size: firstPage.data.length, has_more: firstPage.has_more };
result.listed = [];
for await (const challenge of client.challenges.list({ limit: 2, search: tag })) result.listed.push(challenge.id);
// The generated operations, paged by the same client.
result.generated_listed = [];
for await (const challenge of client.paginate(api.challengesList, { query: { limit: 2, search: tag } })) {
  result.generated_listed.push(challenge.id);
}

const key = randomUUID();
const first = await client.challenges.create({ title: `${tag} once` }, { idempotencyKey: key });
const again = await client.challenges.create({ title: `${tag} once` }, { idempotencyKey: key });
result.idempotent_replay = first.id === again.id;

try {
  await client.challenges.retrieve("chl_doesnotexist");
} catch (error) {
  if (error instanceof NotFoundError) result.not_found = { error: error.name, request_id: error.requestId };
}
// A generated operation answers the same typed errors: as `error`, or thrown with throwOnError.
const { error: generatedError } = await api.challengesRetrieve({
  client: client.generated, path: { challenge_id: "chl_doesnotexist" },
});
try {
  await api.challengesRetrieve({
    client: client.generated, path: { challenge_id: "chl_doesnotexist" }, throwOnError: true,
  });
} catch (error) {
  if (error instanceof NotFoundError && generatedError instanceof NotFoundError) {
    result.generated_not_found = error.name;
  }
}
try {
  await client.challenges.create({});
} catch (error) {
  if (error instanceof ValidationError) result.validation = { error: error.name, fields: Object.keys(error.errors).sort() };
}

const impatient = new OpenChance({ maxRetries: 0 });
for (let n = 0; n < 60 && !result.rate_limited; n++) {
  try {
    await impatient.request("GET", "/v1/me");
  } catch (error) {
    if (!(error instanceof RateLimitedError)) throw error;
    result.rate_limited = {
      error: error.name, status: error.status, code: error.code,
      retry_after: error.retryAfter, request_id: error.requestId,
    };
  }
}
retries.length = 0;
let calls = 0;
while (retries.length === 0 && calls < 40) {
  calls++;
  const me = await client.request("GET", "/v1/me");
  if (me.object !== "me") throw new Error("not me");
}
result.retried = { ok: true, retries: retries.length, calls };

// A retried POST sends the same generated Idempotency-Key on every attempt.
const keys = [];
const recording = new OpenChance({
  maxRetries: 5,
  fetch: (input, init) => {
    if (init?.method === "POST") keys.push(new Headers(init.headers).get("idempotency-key"));
    return fetch(input, init);
  },
});
for (let attempt = 0; attempt < 5 && keys.length < 2; attempt++) {
  keys.length = 0;
  for (;;) {
    try {
      await impatient.request("GET", "/v1/me");
    } catch (error) {
      if (error instanceof RateLimitedError) break;
      throw error;
    }
  }
  await recording.challenges.create({ title: `${tag} retried` });
}
result.idempotency_keys = keys;

const endpoint = await client.webhookEndpoints.create({ url: process.env.OC_SINK_URL, events: ["challenge.created"] });
const expected = (await client.challenges.create({ title: `${tag} hooked` })).id;
result.webhook = { type: null, object_id: null, expected_id: expected };
const webhook = new Webhook(endpoint.secret);
for (const deadline = Date.now() + 30000; Date.now() < deadline && !result.webhook.type;) {
  const deliveries = await (await fetch(process.env.OC_SINK_RECEIVED_URL)).json();
  for (const delivery of deliveries) {
    const body = Buffer.from(delivery.body_base64, "base64").toString();
    const event = await webhook.verify(body, delivery.headers);
    if (event.data.object.id !== expected) continue;
    let tamperedRejected = false;
    try {
      await webhook.verify(body.replace("hooked", "hacked"), delivery.headers);
    } catch (error) {
      tamperedRejected = error instanceof WebhookVerificationError;
    }
    result.webhook = { type: event.type, object_id: event.data.object.id, expected_id: expected, tampered_rejected: tamperedRejected };
  }
  if (!result.webhook.type) await new Promise((resolve) => setTimeout(resolve, 300));
}

const stream = client.stream(["challenge.created"]);
await stream.open();
const streamed = (await client.challenges.create({ title: `${tag} streamed` })).id;
const timeout = setTimeout(() => stream.close(), 30000);
for await (const event of stream) {
  if (event.data.object.id === streamed) {
    result.stream = { type: event.type, object_id: event.data.object.id, expected_id: streamed };
    break;
  }
}
clearTimeout(timeout);
stream.close();
console.log(JSON.stringify(result));
