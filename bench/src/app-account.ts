import { setTimeout as sleep } from 'node:timers/promises';

/** An account registered for the app measurement, waiting for its device. */
export interface AppAccount {
  readonly email: string;
  readonly phone: string;
  /** The activation code the service sent by SMS once the registration was complete. */
  readonly activationCode: string;
}

interface OutboxMessage {
  readonly id: number;
  readonly body: string;
}

/**
 * Registers an account through the service's HTTP API at `origin` as a person
 * would (POST /v1/registrations, then the email and SMS codes, read from the
 * development outbox, GET /v1/dev/outbox) and returns the activation code
 * that arrives by SMS afterwards.
 */
export async function registerAccount(origin: string): Promise<AppAccount> {
  const email = `bench.app.${Date.now()}@example.com`;
  const phone = '+79161234567';
  const post = async (path: string, body: unknown): Promise<{ id?: string }> => {
    const answer = await fetch(`${origin}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!answer.ok) throw new Error(`POST ${path} → ${answer.status}: ${await answer.text()}`);
    return (await answer.json()) as { id?: string };
  };
  const { id } = await post('/v1/registrations', { email, phone });
  if (!id) throw new Error('POST /v1/registrations gave no id');
  const emailCode = await newestCode(origin, email, /\b(\d{6})\b/);
  await post(`/v1/registrations/${id}/email-verification`, { code: emailCode });
  const smsCode = await newestCode(origin, phone, /\b(\d{6})\b/);
  await post(`/v1/registrations/${id}/phone-verification`, { code: smsCode });
  const activationCode = await newestCode(origin, phone, /activation code is (\d{8,10})\b/);
  return { email, phone, activationCode };
}

/** The newest code matching `pattern` in the outbox messages to `to`; waits up to 5 s. */
async function newestCode(origin: string, to: string, pattern: RegExp): Promise<string> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const answer = await fetch(`${origin}/v1/dev/outbox?to=${encodeURIComponent(to)}&limit=20`);
    if (!answer.ok)
      throw new Error(`GET /v1/dev/outbox → ${answer.status}: ${await answer.text()}`);
    const { messages } = (await answer.json()) as { messages: OutboxMessage[] };
    for (const message of messages) {
      const code = pattern.exec(message.body)?.[1];
      if (code) return code;
    }
    if (Date.now() > deadline) throw new Error(`no code for ${to} in the outbox`);
    await sleep(100);
  }
}
