import { Writable } from 'node:stream';
import { computeResponse } from '@cipherpad/core';
import { describe, expect, it } from 'vitest';
import { enroll } from '../testing/enroll.js';
import { startTestService } from '../testing/test-service.js';

describe('structured logs', () => {
  it('are JSON lines that hold no code, token, key or response, even at trace level', async () => {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk, _encoding, done) {
        lines.push(...String(chunk).split('\n').filter(Boolean));
        done();
      },
    });
    const service = await startTestService({ logStream: stream, env: { LOG_LEVEL: 'trace' } });
    try {
      const user = await enroll(service, 'logs@example.com', '+442079464000');
      const secrets = [
        Buffer.from(user.ocraKey).toString('hex'),
        Buffer.from(user.ocraKey).toString('base64url'),
      ];
      const outbox = await service.services.db.selectFrom('outbox').select('body').execute();
      for (const { body } of outbox) {
        for (const match of body.matchAll(/(\d{6,8})|token=([A-Za-z0-9_-]+)/g)) {
          secrets.push(match[1] ?? match[2] ?? '');
        }
      }
      const login = (
        await service.app.inject({
          method: 'POST',
          url: '/v1/logins',
          payload: { email: user.email },
        })
      ).json();
      const response = await computeResponse(user.ocraKey, {
        mode: 'authorization',
        challenge: login.challenge,
      });
      secrets.push(response);
      const verified = await service.app.inject({
        method: 'POST',
        url: `/v1/logins/${login.id}/verify`,
        payload: { response },
      });
      const token = verified.json().session.token as string;
      secrets.push(token);
      await service.app.inject({
        method: 'GET',
        url: '/v1/session',
        headers: { authorization: `Bearer ${token}` },
      });
      const link = await service.codeSentTo(
        user.email,
        /verify-email\.html\?token=([A-Za-z0-9_-]+)/,
      );
      await service.app.inject({
        method: 'GET',
        url: `/v1/registrations/verify-email?token=${link}`,
      });

      expect(lines.length).toBeGreaterThan(5);
      for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
      const log = lines.join('\n');
      expect(log).toContain('"path":"/v1/logins"');
      // The device key twice, the email code and link, the phone and activation codes, a response, a token.
      expect(secrets.filter((s) => s.length >= 6).length).toBeGreaterThanOrEqual(8);
      for (const secret of secrets.filter((s) => s.length >= 6)) {
        expect(log).not.toContain(secret);
      }
    } finally {
      await service.close();
    }
  });
});
