/**
 * The client: configuration, retries with exponential backoff and jitter (connection errors,
 * 409 `idempotency_request_in_flight`, 429 and 5xx, honouring `Retry-After`), an
 * `Idempotency-Key` on every POST and PATCH (generated when the caller gives none, the same on
 * every retry), typed errors, and auto-pagination over cursor lists (`for await`).
 *
 * `client.generated` is the generated (@hey-api/openapi-ts) client on the same fetch, for every
 * operation of the OpenAPI document: `challengesList({ client: oc.generated, query: {...} })`.
 */

import { createClient, createConfig, type Client } from "./generated/client/index.js";
import type * as types from "./generated/types.gen.js";
import { ApiConnectionError, errorFromProblem } from "./errors.js";
import { EventStream, type EventStreamOptions } from "./stream.js";
import { VERSION } from "./version.js";

export const DEFAULT_BASE_URL = "https://api.openchance.dev";

export type ClientConfig = {
  /** `oc_live_…` or `oc_test_…`; defaults to the OPENCHANCE_API_KEY environment variable. */
  apiKey?: string;
  /** The shared API host, a tenant's host or its custom domain. */
  baseUrl?: string;
  /** Per attempt, in seconds (default 30). */
  timeout?: number;
  /** Retries after the first attempt (default 2; 0 turns retries off). */
  maxRetries?: number;
  /** Seconds before the first retry (doubling each time, with jitter; default 0.5). */
  initialRetryDelay?: number;
  /** Cap of the exponential delay, in seconds (default 8). */
  maxRetryDelay?: number;
  /** A longer `Retry-After` is not waited for: the error is raised at once (default 60). */
  maxRetryAfter?: number;
  /** Called before each retry (logging, metrics); `status` is undefined after a connection error. */
  onRetry?: (info: RetryInfo) => void;
  /** Another fetch (tests, proxies); defaults to the global one. */
  fetch?: typeof fetch;
};

export type RetryInfo = {
  attempt: number;
  method: string;
  url: string;
  status: number | undefined;
  /** Seconds about to be waited. */
  delay: number;
};

export type RequestOptions = {
  query?: Record<string, unknown>;
  body?: unknown;
  idempotencyKey?: string;
};

type ListPage<T> = { data: T[]; has_more: boolean; next_cursor: string | null };

const RETRYABLE = new Set([409, 429, 500, 502, 503, 504]);

function environment(name: string): string | undefined {
  const process = (globalThis as { process?: { env?: Record<string, string | undefined> } })
    .process;
  return process?.env?.[name];
}

function sleep(seconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, seconds * 1000));
}

function headersObject(headers: Headers): Record<string, string> {
  const result: Record<string, string> = {};
  headers.forEach((value, name) => {
    result[name.toLowerCase()] = value;
  });
  return result;
}

function queryString(query: Record<string, unknown> | undefined): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query ?? {})) {
    if (value === undefined || value === null) continue;
    params.set(name, Array.isArray(value) ? value.join(",") : String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : "";
}

export class OpenChance {
  readonly apiKey: string;
  readonly baseUrl: string;
  readonly timeout: number;
  readonly maxRetries: number;
  readonly initialRetryDelay: number;
  readonly maxRetryDelay: number;
  readonly maxRetryAfter: number;
  readonly onRetry: ((info: RetryInfo) => void) | undefined;
  /** The generated client (every operation, typed) with these retries and errors. */
  readonly generated: Client;
  private readonly innerFetch: typeof fetch;

  readonly challenges: Challenges;
  readonly applications: Resource<types.Application>;
  readonly messages: Resource<types.Message>;
  readonly reviews: Resource<types.Review>;
  readonly events: Resource<types.Event>;
  readonly webhookEndpoints: WebhookEndpoints;

  constructor(config: ClientConfig = {}) {
    const apiKey = config.apiKey ?? environment("OPENCHANCE_API_KEY");
    if (!apiKey) throw new Error("apiKey is required (or set OPENCHANCE_API_KEY)");
    this.apiKey = apiKey;
    this.baseUrl = (config.baseUrl ?? environment("OPENCHANCE_BASE_URL") ?? DEFAULT_BASE_URL)
      .replace(/\/+$/, "");
    this.timeout = config.timeout ?? 30;
    this.maxRetries = config.maxRetries ?? 2;
    this.initialRetryDelay = config.initialRetryDelay ?? 0.5;
    this.maxRetryDelay = config.maxRetryDelay ?? 8;
    this.maxRetryAfter = config.maxRetryAfter ?? 60;
    this.onRetry = config.onRetry;
    this.innerFetch = config.fetch ?? globalThis.fetch.bind(globalThis);
    this.generated = createClient(
      createConfig({ baseUrl: this.baseUrl, fetch: this.fetch, auth: () => this.apiKey }),
    );
    this.challenges = new Challenges(this, "/v1/challenges");
    this.applications = new Resource(this, "/v1/applications");
    this.messages = new Resource(this, "/v1/messages");
    this.reviews = new Resource(this, "/v1/reviews");
    this.events = new Resource(this, "/v1/events");
    this.webhookEndpoints = new WebhookEndpoints(this, "/v1/webhook_endpoints");
  }

  /** Seconds before retry number `retry` (1-based): exponential, capped, with jitter. */
  backoff(retry: number): number {
    const base = Math.min(this.maxRetryDelay, this.initialRetryDelay * 2 ** (retry - 1));
    return base * (0.5 + Math.random() / 2);
  }

  /**
   * A fetch with the SDK's behaviour: authentication, the retries, the idempotency key and the
   * typed errors (any 4xx/5xx answer throws). The generated client runs on it.
   */
  readonly fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    const headers = new Headers(request.headers);
    headers.set("Authorization", `Bearer ${this.apiKey}`);
    if (!headers.has("Accept")) headers.set("Accept", "application/json");
    if (!headers.has("User-Agent")) headers.set("User-Agent", `openchance-node/${VERSION}`);
    if (["POST", "PATCH"].includes(request.method) && !headers.has("Idempotency-Key")) {
      headers.set("Idempotency-Key", globalThis.crypto.randomUUID());
    }
    const body = ["GET", "HEAD"].includes(request.method) ? undefined : await request.arrayBuffer();
    for (let retry = 1; ; retry++) {
      let response: Response;
      try {
        response = await this.innerFetch(request.url, {
          method: request.method,
          headers,
          body,
          signal: AbortSignal.timeout(this.timeout * 1000),
        });
      } catch (error) {
        if (retry > this.maxRetries) {
          throw new ApiConnectionError(`Connection failed: ${String(error)}`, { cause: error });
        }
        const delay = this.backoff(retry);
        this.onRetry?.({ attempt: retry, method: request.method, url: request.url, status: undefined, delay });
        await sleep(delay);
        continue;
      }
      if (response.ok) return response;
      const text = await response.text();
      let parsed: unknown = undefined;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        parsed = undefined;
      }
      const delay = this.retryDelay(retry, response, parsed);
      if (delay === undefined) {
        throw errorFromProblem(response.status, parsed, headersObject(response.headers));
      }
      this.onRetry?.({ attempt: retry, method: request.method, url: request.url, status: response.status, delay });
      await sleep(delay);
    }
  };

  private retryDelay(retry: number, response: Response, body: unknown): number | undefined {
    if (retry > this.maxRetries || !RETRYABLE.has(response.status)) return undefined;
    const code = (body as { code?: unknown } | undefined)?.code;
    if (response.status === 409 && code !== "idempotency_request_in_flight") return undefined;
    const header = response.headers.get("retry-after");
    if (header === null || Number.isNaN(Number(header))) return this.backoff(retry);
    const seconds = Math.max(0, Number(header));
    return seconds <= this.maxRetryAfter ? seconds : undefined;
  }

  /** One call (with its retries): the parsed JSON, or undefined for an empty answer. */
  async request<T = unknown>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const headers: Record<string, string> = {};
    if (options.body !== undefined) headers["Content-Type"] = "application/json";
    if (options.idempotencyKey) headers["Idempotency-Key"] = options.idempotencyKey;
    const response = await this.fetch(`${this.baseUrl}${path}${queryString(options.query)}`, {
      method: method.toUpperCase(),
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
    const text = await response.text();
    return (text ? JSON.parse(text) : undefined) as T;
  }

  /** Every object of the cursor list at `path`, page after page: `for await (const x of …)`. */
  async *list<T = unknown>(path: string, query: Record<string, unknown> = {}): AsyncGenerator<T> {
    let cursor: string | null = null;
    do {
      const page: ListPage<T> = await this.request<ListPage<T>>("GET", path, {
        query: { ...query, cursor: cursor ?? undefined },
      });
      yield* page.data;
      cursor = page.has_more ? page.next_cursor : null;
    } while (cursor);
  }

  /**
   * Every item of a generated list operation:
   * `for await (const c of oc.paginate(challengesList, { query: { limit: 50 } }))`.
   */
  async *paginate<Item, Options extends { query?: object }>(
    operation: (
      options: Options & { client: Client; throwOnError: true },
    ) => Promise<{ data: ListPage<Item> }>,
    options: Options,
  ): AsyncGenerator<Item> {
    let cursor: string | null = null;
    do {
      const query: object = { ...(options.query ?? {}), ...(cursor ? { cursor } : {}) };
      const { data: page } = await operation({
        ...options,
        query,
        client: this.generated,
        throwOnError: true,
      });
      yield* page.data;
      cursor = page.has_more ? page.next_cursor : null;
    } while (cursor);
  }

  /** The WebSocket event stream (`/v1/ws`); in Node 20 it needs the `ws` package. */
  stream(events: string[] = ["*"], options: EventStreamOptions = {}): EventStream {
    return new EventStream({ apiKey: this.apiKey, baseUrl: this.baseUrl, events, ...options });
  }
}

/** The verbs of one collection. */
export class Resource<T, CreateBody = unknown, UpdateBody = unknown, Query = Record<string, unknown>> {
  constructor(
    protected readonly client: OpenChance,
    readonly path: string,
  ) {}

  list(query?: Query): AsyncGenerator<T> {
    return this.client.list<T>(this.path, (query ?? {}) as Record<string, unknown>);
  }

  retrieve(id: string, query?: Record<string, unknown>): Promise<T> {
    return this.client.request<T>("GET", `${this.path}/${id}`, { query });
  }

  create(body: CreateBody, options: { idempotencyKey?: string } = {}): Promise<T> {
    return this.client.request<T>("POST", this.path, { body, ...options });
  }

  update(id: string, body: UpdateBody, options: { idempotencyKey?: string } = {}): Promise<T> {
    return this.client.request<T>("PATCH", `${this.path}/${id}`, { body, ...options });
  }

  delete(id: string): Promise<unknown> {
    return this.client.request("DELETE", `${this.path}/${id}`);
  }

  /** A POST on one object (publish, close, accept…). */
  action(id: string, action: string, body: unknown = {}, options: { idempotencyKey?: string } = {}): Promise<T> {
    return this.client.request<T>("POST", `${this.path}/${id}/${action}`, { body, ...options });
  }
}

export class Challenges extends Resource<
  types.Challenge,
  types.ChallengeCreateRequest,
  types.PatchedChallengeUpdateRequest,
  NonNullable<types.ChallengesListData["query"]>
> {
  publish(id: string, options: { idempotencyKey?: string } = {}): Promise<types.Challenge> {
    return this.action(id, "publish", {}, options);
  }

  applications(id: string, query: Record<string, unknown> = {}): AsyncGenerator<types.Application> {
    return this.client.list<types.Application>(`${this.path}/${id}/applications`, query);
  }
}

export class WebhookEndpoints extends Resource<
  types.WebhookEndpoint,
  types.WebhookEndpointCreateRequest,
  types.PatchedWebhookEndpointUpdateRequest
> {
  /** Creates an endpoint; the answer carries its `secret` (`whsec_…`) this once. */
  override create(
    body: types.WebhookEndpointCreateRequest,
    options: { idempotencyKey?: string } = {},
  ): Promise<types.WebhookEndpointWithSecret> {
    return this.client.request<types.WebhookEndpointWithSecret>("POST", this.path, {
      body,
      ...options,
    });
  }
}
