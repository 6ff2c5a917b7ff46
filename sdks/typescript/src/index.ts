/**
 * The OpenChance API SDK for TypeScript and JavaScript (Node 20+ and browsers; ESM and CJS).
 *
 *   import { OpenChance } from "@openchance/sdk";
 *   const oc = new OpenChance({ apiKey: "oc_test_…", baseUrl: "https://acme.openchance.dev" });
 *   for await (const challenge of oc.challenges.list({ limit: 50 })) console.log(challenge.title);
 *
 * Every operation of the OpenAPI document, typed, is exported from "./generated" (call it with
 * `{ client: oc.generated }`); its types (`Challenge`, `Application`, …) are exported here too.
 */

export { OpenChance, Resource, Challenges, WebhookEndpoints, DEFAULT_BASE_URL } from "./client.js";
export type { ClientConfig, RequestOptions, RetryInfo } from "./client.js";
export * from "./errors.js";
export * from "./webhooks.js";
export { EventStream, StreamClosedError } from "./stream.js";
export type { EventStreamOptions } from "./stream.js";
export { VERSION } from "./version.js";
export * as api from "./generated/sdk.gen.js";
export type * from "./generated/types.gen.js";
