import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestService, type TestService } from '../testing/test-service.js';
import { createSmtpTransport } from './smtp-transport.js';

interface Received {
  from: string;
  to: string[];
  data: string;
}

let smtp: SMTPServer;
let port: number;
const received: Received[] = [];
let refuseNext = 0;

beforeAll(async () => {
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        if (refuseNext > 0) {
          refuseNext -= 1;
          const error = Object.assign(new Error('mailbox busy'), { responseCode: 451 });
          return callback(error);
        }
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          data: Buffer.concat(chunks).toString('utf8'),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  port = (smtp.server.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise<void>((resolve) => smtp.close(() => resolve()));
});

async function waitFor<T>(
  probe: () => T | undefined | Promise<T | undefined>,
  ms = 5000,
): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('email over SMTP (a real SMTP server on loopback)', () => {
  let service: TestService;
  beforeAll(async () => {
    service = await startTestService({
      transports: {
        email: createSmtpTransport(
          `smtp://127.0.0.1:${port}`,
          'Cipherpad <no-reply@cipherpad.test>',
        ),
        sms: null,
      },
    });
  });
  afterAll(async () => {
    await service?.close();
  });

  it('delivers the registration email and removes it from the outbox once sent', async () => {
    const started = await service.app.inject({
      method: 'POST',
      url: '/v1/registrations',
      payload: { email: 'smtp@example.com', phone: '+442079465000' },
    });
    expect(started.statusCode).toBe(201);
    const mail = await waitFor(() => received.find((m) => m.to.includes('smtp@example.com')));
    expect(mail.from).toBe('no-reply@cipherpad.test');
    const code = /verification code is (\d{6})/.exec(mail.data)?.[1];
    expect(code).toMatch(/^\d{6}$/);

    // The email left the outbox; the SMS (kept, no gateway configured) stays readable.
    const rows = await waitFor(async () => {
      const left = await service.services.db
        .selectFrom('outbox')
        .select(['channel', 'status'])
        .execute();
      return left.length === 1 ? left : undefined;
    });
    expect(rows).toEqual([{ channel: 'sms', status: 'kept' }]);

    const verified = await service.app.inject({
      method: 'POST',
      url: `/v1/registrations/${started.json().id}/email-verification`,
      payload: { code },
    });
    expect(verified.json().emailVerified).toBe(true);
  });

  it('retries a message the SMTP server refused', async () => {
    refuseNext = 1;
    await service.app.inject({
      method: 'POST',
      url: '/v1/registrations',
      payload: { email: 'retry@example.com', phone: '+442079465001' },
    });
    // The first attempt, started right after the commit, is refused.
    await service.services.delivery.deliverDue();
    const row = await service.services.db
      .selectFrom('outbox')
      .select(['status', 'attempts', 'next_attempt_at'])
      .where('recipient', '=', 'retry@example.com')
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'pending', attempts: 1 });
    expect(received.some((m) => m.to.includes('retry@example.com'))).toBe(false);

    service.clock.advance(row.next_attempt_at - service.clock.now());
    await service.services.delivery.deliverDue();
    expect(received.some((m) => m.to.includes('retry@example.com'))).toBe(true);
    const left = await service.services.db
      .selectFrom('outbox')
      .select('id')
      .where('recipient', '=', 'retry@example.com')
      .execute();
    expect(left).toEqual([]);
  });
});
