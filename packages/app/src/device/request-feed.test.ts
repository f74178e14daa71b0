import { createSigningKeyPair } from '@cipherpad/core';
import { describe, expect, it } from 'vitest';
import { ApiClient } from '../api/api-client.js';
import type { PendingRequest } from './pending-request.js';
import { type FeedStatus, type NamedDevice, RequestFeed } from './request-feed.js';

const request = (id: string, createdAt: number): PendingRequest => ({
  id,
  kind: 'login',
  challenge: '12345678',
  site: null,
  ip: '127.0.0.1',
  createdAt,
  expiresAt: Date.now() + 60_000,
});

const self = { id: 'dev_1', name: 'My phone', kind: 'app', createdAt: 1 };

describe('The pending-request feed (GET /v1/device/requests, /v1/device/events)', () => {
  it('reads the device’s own name when it connects, and hears of a device renamed', async () => {
    let push: ((text: string) => void) | undefined;
    let name = 'Ada’s Pixel';
    const fetch = async (input: string) => {
      if (input === '/v1/device') return Response.json({ ...self, name });
      if (input === '/v1/device/requests') return Response.json({ requests: [] });
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          push = (text) => controller.enqueue(new TextEncoder().encode(text));
        },
      });
      return new Response(body, { headers: { 'content-type': 'text/event-stream' } });
    };
    const { privateKey } = await createSigningKeyPair();
    const statuses: FeedStatus[] = [];
    const named: NamedDevice[] = [];
    const feed = new RequestFeed(
      new ApiClient({ fetch }),
      { deviceId: 'dev_1', signingKey: privateKey },
      {
        onRequests: () => {},
        onStatus: (status) => statuses.push(status),
        onDeviceNamed: (device) => named.push(device),
      },
    );
    feed.start();
    await waitFor(() => push !== undefined && statuses.includes('live'));
    expect(named).toEqual([{ ...self, name: 'Ada’s Pixel' }]);
    push!('event: device-renamed\ndata: {"id":"dev_1","name":""}\n\n');
    push!('event: device-renamed\ndata: {"id":"dev_1"}\n\n');
    push!('event: device-renamed\ndata: {"id":"dev_1","name":"Work phone"}\n\n');
    push!('event: device-renamed\ndata: {"id":"dev_2","name":"Tablet"}\n\n');
    await waitFor(() => named.length >= 3);
    expect(named.slice(1)).toEqual([
      { id: 'dev_1', name: 'Work phone' },
      { id: 'dev_2', name: 'Tablet' },
    ]);
    feed.stop();
    // Connecting again reads the name again: a rename missed meanwhile is not lost.
    name = 'Renamed while away';
    push = undefined;
    feed.start();
    await waitFor(() => named.length >= 4);
    feed.stop();
    expect(named.at(-1)).toEqual({ ...self, name: 'Renamed while away' });
  });

  it('tells of a device activated on the account, and ignores a malformed one', async () => {
    let push: ((text: string) => void) | undefined;
    const fetch = async (input: string) => {
      if (input === '/v1/device') return Response.json(self);
      if (input === '/v1/device/requests') return Response.json({ requests: [] });
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          push = (text) => controller.enqueue(new TextEncoder().encode(text));
        },
      });
      return new Response(body, { headers: { 'content-type': 'text/event-stream' } });
    };
    const { privateKey } = await createSigningKeyPair();
    const statuses: FeedStatus[] = [];
    const devices: unknown[] = [];
    const feed = new RequestFeed(
      new ApiClient({ fetch }),
      { deviceId: 'dev_1', signingKey: privateKey },
      {
        onRequests: () => {},
        onStatus: (status) => statuses.push(status),
        onDeviceActivated: (device) => devices.push(device),
      },
    );
    feed.start();
    await waitFor(() => push !== undefined && statuses.includes('live'));
    const device = { id: 'dev_2', name: 'New phone', ip: '203.0.113.9', at: 1_700_000_000_000 };
    push!(`event: device-activated\ndata: {"id":"dev_3","name":"No time"}\n\n`);
    push!(`event: device-activated\ndata: ${JSON.stringify(device)}\n\n`);
    await waitFor(() => devices.length >= 1);
    feed.stop();
    expect(devices).toEqual([device]);
  });

  it('lists the pending requests, then adds and removes them as events arrive', async () => {
    const seen: { path: string; authorization: string | null }[] = [];
    let push: ((text: string) => void) | undefined;
    const fetch = async (input: string, init?: RequestInit) => {
      const headers = new Headers(init?.headers);
      seen.push({ path: input, authorization: headers.get('authorization') });
      if (input === '/v1/device') return Response.json(self);
      if (input === '/v1/device/requests') {
        return Response.json({ requests: [request('old', 1)] });
      }
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          push = (text) => controller.enqueue(new TextEncoder().encode(text));
        },
      });
      return new Response(body, { headers: { 'content-type': 'text/event-stream' } });
    };
    const { privateKey } = await createSigningKeyPair();
    const updates: { ids: string[]; added: string | undefined }[] = [];
    const statuses: FeedStatus[] = [];
    const feed = new RequestFeed(
      new ApiClient({ fetch }),
      { deviceId: 'dev_1', signingKey: privateKey },
      {
        onRequests: (requests, added) =>
          updates.push({ ids: requests.map((r) => r.id), added: added?.id }),
        onStatus: (status) => statuses.push(status),
      },
    );
    feed.start();
    await waitFor(() => push !== undefined && statuses.includes('live'));
    push!(`: connected\n\nevent: request\ndata: ${JSON.stringify(request('new', 2))}\n\n`);
    await waitFor(() => updates.length >= 2);
    push!('event: closed\ndata: {"id":"old"}\n\n');
    await waitFor(() => updates.length >= 3);
    feed.stop();

    expect(updates).toEqual([
      { ids: ['old'], added: undefined },
      { ids: ['new', 'old'], added: 'new' },
      { ids: ['new'], added: undefined },
    ]);
    expect(seen.map((s) => s.path).sort()).toEqual([
      '/v1/device',
      '/v1/device/events',
      '/v1/device/requests',
    ]);
    for (const { authorization } of seen) {
      expect(authorization).toMatch(/^Cipherpad-Device id=dev_1,ts=\d+,sig=[A-Za-z0-9_-]{86}$/);
    }
    expect(statuses.at(-1)).toBe('off');
  });
});

async function waitFor(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((r) => setTimeout(r, 5));
  if (!condition()) throw new Error('timed out');
}
