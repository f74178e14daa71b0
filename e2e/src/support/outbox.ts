import type { RunningService } from './service.js';

interface OutboxMessage {
  readonly id: number;
  readonly channel: 'email' | 'sms';
  readonly to: string;
  readonly subject: string | null;
  readonly body: string;
  readonly createdAt: number;
}

/**
 * The newest code in the messages to `to` (an email or a phone number) that
 * arrived after message `afterId`, read from the development outbox; waits
 * up to `timeoutMs` for it.
 */
export async function newestCode(
  service: RunningService,
  to: string,
  options: { afterId?: number; pattern?: RegExp; timeoutMs?: number } = {},
): Promise<{ code: string; id: number; body: string }> {
  const pattern = options.pattern ?? /\b(\d{6,8})\b/;
  const deadline = Date.now() + (options.timeoutMs ?? 5000);
  for (;;) {
    const { messages } = await service.getJson<{ messages: OutboxMessage[] }>(
      `/v1/dev/outbox?to=${encodeURIComponent(to)}&limit=20`,
    );
    for (const message of messages) {
      if (message.id <= (options.afterId ?? 0)) break;
      const match = pattern.exec(message.body);
      if (match?.[1]) return { code: match[1], id: message.id, body: message.body };
    }
    if (Date.now() > deadline) throw new Error(`no new code for ${to} in the outbox`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The id of the newest message in the outbox for `to` (0 when none). */
export async function lastMessageId(service: RunningService, to: string): Promise<number> {
  const { messages } = await service.getJson<{ messages: OutboxMessage[] }>(
    `/v1/dev/outbox?to=${encodeURIComponent(to)}&limit=1`,
  );
  return messages[0]?.id ?? 0;
}
