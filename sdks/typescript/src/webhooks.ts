/**
 * Webhook signature verification (Standard Webhooks v1) and the typed event union.
 *
 *   const event = await new Webhook(secret).verify(rawBody, request.headers);
 *
 * `webhook-signature` is `v1,<base64 HMAC-SHA256>` of `"{webhook-id}.{webhook-timestamp}.{body}"`
 * keyed with the base64 part of the `whsec_` secret; during a rotation several space-separated
 * signatures are sent and any one may match. A timestamp more than `tolerance` seconds (5
 * minutes) from now is refused (a replay). Uses Web Crypto: Node 20+ and browsers. Pass the raw
 * body exactly as received (not re-serialised JSON).
 */

import type { Application, Challenge, Message, Review, WebhookEndpoint } from "./generated/types.gen.js";
import { OpenChanceError } from "./errors.js";

export class WebhookVerificationError extends OpenChanceError {}

type EventBase<Type extends string, Data> = {
  id: string;
  object: "event";
  type: Type;
  created_at: string;
  livemode: boolean;
  request_id: string | null;
  data: { object: Data };
};

export type ChallengeEvent = EventBase<
  | "challenge.created"
  | "challenge.updated"
  | "challenge.deleted"
  | "challenge.published"
  | "challenge.closed"
  | "challenge.cancelled"
  | "challenge.awarded",
  Challenge
>;
export type ApplicationEvent = EventBase<
  "application.submitted" | "application.updated" | "application.status_changed",
  Application
>;
export type MessageEvent = EventBase<"message.created", Message>;
export type ReviewEvent = EventBase<"review.created", Review>;
export type PingEvent = EventBase<"ping", Record<string, unknown>>;
export type WebhookEndpointEvent = EventBase<"webhook_endpoint.disabled", WebhookEndpoint>;
/** A type this SDK version does not know (`billing.*`, later ones): ignore what you do not handle. */
export type OtherEvent = EventBase<string & {}, Record<string, unknown>>;

/** The events this SDK version knows, by type. */
export type KnownEvent =
  | ChallengeEvent
  | ApplicationEvent
  | MessageEvent
  | ReviewEvent
  | PingEvent
  | WebhookEndpointEvent;
export type KnownEventType = KnownEvent["type"];

export type WebhookEvent = KnownEvent | OtherEvent;

/** The event of one known type: `EventOf<"challenge.created">` is a ChallengeEvent. */
export type EventOf<Type extends KnownEventType> = KnownEvent extends infer Event
  ? Event extends KnownEvent
    ? Type extends Event["type"]
      ? Event & { type: Type }
      : never
    : never
  : never;

/**
 * Narrows an event to its type (a plain `event.type === …` cannot: an unknown type is a string
 * too): `if (isEvent(event, "challenge.created")) event.data.object.title`.
 */
export function isEvent<Type extends KnownEventType>(
  event: WebhookEvent,
  type: Type,
): event is EventOf<Type> {
  return event.type === type;
}

export type HeaderSource = Headers | Record<string, string | string[] | undefined>;

const SECRET_PREFIX = "whsec_";
const encoder = new TextEncoder();

function header(headers: HeaderSource, name: string): string | undefined {
  if (typeof (headers as Headers).get === "function") {
    return (headers as Headers).get(name) ?? undefined;
  }
  for (const [key, value] of Object.entries(headers as Record<string, string | string[] | undefined>)) {
    if (key.toLowerCase() === name) return Array.isArray(value) ? value[0] : value;
  }
  return undefined;
}

function fromBase64(text: string): Uint8Array {
  const binary = atob(text);
  return Uint8Array.from(binary, (character) => character.charCodeAt(0));
}

function toBase64(bytes: ArrayBuffer): string {
  return btoa(String.fromCharCode(...new Uint8Array(bytes)));
}

function constantTimeEqual(left: string, right: string): boolean {
  if (left.length !== right.length) return false;
  let difference = 0;
  for (let index = 0; index < left.length; index++) {
    difference |= left.charCodeAt(index) ^ right.charCodeAt(index);
  }
  return difference === 0;
}

export class Webhook {
  private readonly key: Uint8Array;

  constructor(
    readonly secret: string,
    readonly tolerance = 300,
  ) {
    try {
      this.key = fromBase64(secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret);
    } catch {
      throw new Error("not a webhook secret (whsec_…)");
    }
  }

  /** The `v1,…` signature of one delivery (what the platform sends; useful in tests). */
  async sign(messageId: string, timestamp: number, body: string | Uint8Array): Promise<string> {
    const key = await globalThis.crypto.subtle.importKey(
      "raw",
      this.key as BufferSource,
      { name: "HMAC", hash: "SHA-256" },
      false,
      ["sign"],
    );
    const payload = typeof body === "string" ? encoder.encode(body) : body;
    const prefix = encoder.encode(`${messageId}.${timestamp}.`);
    const signed = new Uint8Array(prefix.length + payload.length);
    signed.set(prefix);
    signed.set(payload, prefix.length);
    return `v1,${toBase64(await globalThis.crypto.subtle.sign("HMAC", key, signed))}`;
  }

  /** The event, once its signature and timestamp are checked; else WebhookVerificationError. */
  async verify(body: string | Uint8Array, headers: HeaderSource): Promise<WebhookEvent> {
    const messageId = header(headers, "webhook-id");
    const timestampText = header(headers, "webhook-timestamp");
    const signatures = header(headers, "webhook-signature");
    if (!messageId || !timestampText || !signatures) {
      throw new WebhookVerificationError("missing webhook-id, -timestamp or -signature header");
    }
    const timestamp = Number(timestampText);
    if (!Number.isInteger(timestamp)) throw new WebhookVerificationError("webhook-timestamp is not a number");
    if (Math.abs(Date.now() / 1000 - timestamp) > this.tolerance) {
      throw new WebhookVerificationError("webhook-timestamp is outside the tolerance");
    }
    const expected = await this.sign(messageId, timestamp, body);
    const matches = signatures
      .split(" ")
      .some((candidate) => candidate.startsWith("v1,") && constantTimeEqual(candidate, expected));
    if (!matches) throw new WebhookVerificationError("no signature matches");
    const text = typeof body === "string" ? body : new TextDecoder().decode(body);
    let event: unknown;
    try {
      event = JSON.parse(text);
    } catch {
      throw new WebhookVerificationError("the body is not JSON");
    }
    if (!event || typeof (event as { type?: unknown }).type !== "string") {
      throw new WebhookVerificationError("the body is not an event");
    }
    return event as WebhookEvent;
  }
}
