import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestService, type TestService } from '../testing/test-service.js';

let service: TestService;
beforeAll(async () => {
  service = await startTestService();
});
afterAll(async () => {
  await service?.close();
});

describe('health and errors', () => {
  it('reports the service and its database as up', async () => {
    const response = await service.app.inject({ method: 'GET', url: '/health' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'ok', database: service.dialect });
  });

  it('answers unknown routes, malformed JSON and wrong media types with coded errors', async () => {
    const missing = await service.app.inject({ method: 'GET', url: '/nope' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error).toBe('ERR_NOT_FOUND');

    const malformed = await service.app.inject({
      method: 'POST',
      url: '/v1/logins',
      headers: { 'content-type': 'application/json' },
      payload: '{"email":',
    });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().error).toBe('ERR_VALIDATION');

    const text = await service.app.inject({
      method: 'POST',
      url: '/v1/logins',
      headers: { 'content-type': 'text/plain' },
      payload: 'hello',
    });
    expect(text.statusCode).toBe(415);
    expect(text.json().error).toBe('ERR_UNSUPPORTED_MEDIA_TYPE');

    const large = await service.app.inject({
      method: 'POST',
      url: '/v1/logins',
      payload: { email: 'x'.repeat(20_000) },
    });
    expect(large.statusCode).toBe(413);
    expect(large.json().error).toBe('ERR_PAYLOAD_TOO_LARGE');
    expect(large.headers['cache-control']).toBe('no-store');
  });
});
