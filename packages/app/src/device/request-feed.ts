import type { ApiClient } from '../api/api-client.js';
import { readEventStream } from '../api/event-stream.js';
import { errorCode } from '../app-error.js';
import type { DeviceSigner } from './device-auth.js';
import { isPendingRequest, type PendingRequest } from './pending-request.js';

/** Whether the feed is receiving live events. */
export type FeedStatus = 'off' | 'connecting' | 'live' | 'offline' | 'failed';

/** What the feed tells the screens. */
export interface FeedListener {
  /** The pending requests changed; `added` is a request that just arrived. */
  onRequests(requests: readonly PendingRequest[], added: PendingRequest | undefined): void;
  onStatus(status: FeedStatus, code?: string): void;
  /** Another device was just activated on the account (docs/web-api.md, "The app's side"). */
  onDeviceActivated?(device: ActivatedDevice): void;
  /**
   * A device of the account is named so now: this device as the service has it, read whenever
   * the feed connects, and any device the person renames while the feed is live (the security
   * site renames devices; the app keeps the name it was activated with until told).
   */
  onDeviceNamed?(device: NamedDevice): void;
}

/** A device and its current name. */
export interface NamedDevice {
  readonly id: string;
  readonly name: string;
}

function isNamedDevice(value: unknown): value is NamedDevice {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.id === 'string' && typeof v.name === 'string' && v.name.trim() !== '';
}

/** A device just activated on the account: its name, and when and from where. */
export interface ActivatedDevice {
  readonly id: string;
  readonly name: string;
  readonly ip: string;
  readonly at: number;
}

function isActivatedDevice(value: unknown): value is ActivatedDevice {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.id === 'string' &&
    typeof v.name === 'string' &&
    typeof v.ip === 'string' &&
    typeof v.at === 'number'
  );
}

const MAX_BACKOFF_MS = 30_000;

/**
 * The pending requests of the device's account, kept current: the list from
 * `GET /v1/device/requests` (and the device's own name from `GET /v1/device`), then the events
 * of `GET /v1/device/events` (read with `fetch`, since the request must be signed),
 * reconnecting with a growing wait when the stream ends.
 */
export class RequestFeed {
  readonly #api: ApiClient;
  readonly #signer: DeviceSigner;
  readonly #listener: FeedListener;
  readonly #requests = new Map<string, PendingRequest>();
  #abort: AbortController | undefined;
  #wake: (() => void) | undefined;

  constructor(api: ApiClient, signer: DeviceSigner, listener: FeedListener) {
    this.#api = api;
    this.#signer = signer;
    this.#listener = listener;
  }

  /** The pending, unexpired requests, newest first. */
  requests(now = Date.now()): PendingRequest[] {
    return [...this.#requests.values()]
      .filter((r) => r.expiresAt > now)
      .sort((a, b) => b.createdAt - a.createdAt);
  }

  /** Starts following the account's requests (again, at once, if it was waiting to retry). */
  start(): void {
    if (this.#abort !== undefined) {
      this.#wake?.();
      return;
    }
    const abort = new AbortController();
    this.#abort = abort;
    void this.#run(abort.signal);
  }

  /** Stops following and forgets the requests. */
  stop(): void {
    this.#abort?.abort();
    this.#abort = undefined;
    this.#wake?.();
    this.#requests.clear();
    this.#listener.onStatus('off');
  }

  /** Forgets a request answered from this app. */
  remove(id: string): void {
    if (this.#requests.delete(id)) this.#changed(undefined);
  }

  async #run(signal: AbortSignal): Promise<void> {
    let backoff = 1000;
    while (!signal.aborted) {
      if (typeof navigator !== 'undefined' && navigator.onLine === false) {
        this.#listener.onStatus('offline');
        await this.#sleep(MAX_BACKOFF_MS, signal);
        continue;
      }
      this.#listener.onStatus('connecting');
      try {
        const [self, { requests }] = await Promise.all([
          this.#api.get<unknown>('/v1/device', this.#signer),
          this.#api.get<{ requests: unknown[] }>('/v1/device/requests', this.#signer),
        ]);
        if (isNamedDevice(self)) this.#listener.onDeviceNamed?.(self);
        this.#requests.clear();
        for (const r of requests ?? []) if (isPendingRequest(r)) this.#requests.set(r.id, r);
        this.#changed(undefined);
        const response = await this.#api.stream('/v1/device/events', this.#signer, signal);
        this.#listener.onStatus('live');
        backoff = 1000;
        if (response.body !== null) {
          await readEventStream(response.body, ({ event, data }) => this.#event(event, data));
        }
      } catch (error) {
        if (signal.aborted) return;
        const code = errorCode(error);
        this.#listener.onStatus(code === 'ERR_NETWORK' ? 'offline' : 'failed', code);
      }
      if (signal.aborted) return;
      await this.#sleep(backoff, signal);
      backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
    }
  }

  #event(event: string, data: string): void {
    let value: unknown;
    try {
      value = JSON.parse(data);
    } catch {
      return;
    }
    if (event === 'request' && isPendingRequest(value)) {
      const added = this.#requests.has(value.id) ? undefined : value;
      this.#requests.set(value.id, value);
      this.#changed(added);
    } else if (event === 'device-activated' && isActivatedDevice(value)) {
      this.#listener.onDeviceActivated?.(value);
    } else if (event === 'device-renamed' && isNamedDevice(value)) {
      this.#listener.onDeviceNamed?.(value);
    } else if (event === 'closed' && typeof value === 'object' && value !== null) {
      const { id } = value as { id?: unknown };
      if (typeof id === 'string') this.remove(id);
    }
  }

  #changed(added: PendingRequest | undefined): void {
    this.#listener.onRequests(this.requests(), added);
  }

  #sleep(ms: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.#wake = undefined;
        signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.#wake = done;
      signal.addEventListener('abort', done);
    });
  }
}
