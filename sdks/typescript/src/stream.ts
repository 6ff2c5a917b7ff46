/**
 * The WebSocket event stream (`/v1/ws`): the same event payloads as webhooks, in real time.
 *
 *   const stream = oc.stream(["challenge.*"]);
 *   for await (const event of stream) { ... }
 *
 * In Node the key goes in the handshake's `Authorization` header (the `ws` package, an optional
 * peer dependency: Node 20 has no WebSocket of its own); a browser's WebSocket cannot send
 * headers, so there the first message authenticates (`{"type": "auth", "key": …}`) — never the
 * URL. Heartbeats keep the connection open and are not yielded. A close throws
 * `StreamClosedError` with the close code and the server's last `error` message (4401 invalid
 * key, 4402 spend cap or past-due invoice, 4403 scope, 4429 rate limited, 1011/1013
 * reconnect). Best effort: catch up with `oc.events.list()`.
 */

import { OpenChanceError } from "./errors.js";
import type { WebhookEvent } from "./webhooks.js";

export class StreamClosedError extends OpenChanceError {
  constructor(
    message: string,
    readonly closeCode: number | undefined,
    code?: string,
  ) {
    super(message, { code });
  }
}

export type EventStreamOptions = {
  /** A WebSocket class (the `ws` package's, or a browser's); found automatically otherwise. */
  WebSocket?: unknown;
};

type Socket = {
  send(data: string): void;
  close(code?: number): void;
  addEventListener?: (type: string, listener: (event: never) => void) => void;
  on?: (type: string, listener: (...args: never[]) => void) => void;
};

type Message = { type: string; event?: WebhookEvent; code?: string; detail?: string };

export class EventStream implements AsyncIterable<WebhookEvent> {
  private socket: Socket | undefined;
  private readonly queue: Message[] = [];
  private waiting: ((message: Message | Error) => void) | undefined;
  private failure: Error | undefined;
  private lastError: Message | undefined;

  constructor(
    private readonly options: {
      apiKey: string;
      baseUrl: string;
      events: string[];
    } & EventStreamOptions,
  ) {}

  private url(): string {
    return `${this.options.baseUrl.replace(/^http/, "ws")}/v1/ws`;
  }

  private push(item: Message | Error): void {
    if (item instanceof Error) this.failure = item;
    else this.queue.push(item);
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.(item);
  }

  private next(): Promise<Message> {
    const queued = this.queue.shift();
    if (queued) return Promise.resolve(queued);
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.waiting = () => {
        const message = this.queue.shift();
        if (message) resolve(message);
        else reject(this.failure);
      };
    });
  }

  private closed(code: number | undefined): void {
    const error = this.lastError;
    this.push(new StreamClosedError(error?.detail ?? `stream closed (${code})`, code, error?.code));
  }

  private received(data: unknown): void {
    const message = JSON.parse(String(data)) as Message;
    if (message.type === "error") this.lastError = message;
    this.push(message);
  }

  /** Connects, authenticates and subscribes (the iterator calls it when needed). */
  async open(): Promise<void> {
    if (this.socket) return;
    const Native = (globalThis as { WebSocket?: unknown }).WebSocket;
    let WebSocketClass = this.options.WebSocket;
    let isNode = false;
    if (!WebSocketClass && typeof (globalThis as { process?: unknown }).process === "object") {
      WebSocketClass = (await import("ws")).default;
      isNode = true;
    } else if (!WebSocketClass) {
      WebSocketClass = Native;
    } else {
      isNode = WebSocketClass !== Native;
    }
    if (!WebSocketClass) throw new Error("no WebSocket available: install the `ws` package");
    const Constructor = WebSocketClass as new (url: string, options?: unknown) => Socket;
    const socket = isNode
      ? new Constructor(this.url(), { headers: { Authorization: `Bearer ${this.options.apiKey}` } })
      : new Constructor(this.url());
    this.socket = socket;
    if (socket.on) {
      socket.on("message", (data: never) => this.received(data));
      socket.on("close", (code: never) => this.closed(code));
      socket.on("error", (error: never) => this.push(error as Error));
      socket.on("open", () => undefined);
    } else if (socket.addEventListener) {
      socket.addEventListener("message", (event: never) => this.received((event as { data: unknown }).data));
      socket.addEventListener("close", (event: never) => this.closed((event as { code: number }).code));
      socket.addEventListener("open", () => socket.send(JSON.stringify({ type: "auth", key: this.options.apiKey })));
    }
    await this.expect("welcome");
    socket.send(JSON.stringify({ type: "subscribe", events: this.options.events }));
    await this.expect("subscribed");
  }

  private async expect(kind: string): Promise<void> {
    for (;;) {
      const message = await this.next();
      if (message.type === kind) return;
    }
  }

  /** The next event. */
  async receive(): Promise<WebhookEvent> {
    await this.open();
    for (;;) {
      const message = await this.next();
      if (message.type === "event" && message.event) return message.event;
    }
  }

  close(): void {
    this.socket?.close(1000);
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<WebhookEvent> {
    for (;;) yield await this.receive();
  }
}
