import type { FastifyBaseLogger } from 'fastify';
import { describe, expect, it, vi } from 'vitest';
import { BatchRunner } from './batch-runner.js';

function silentLog() {
  const error = vi.fn();
  return { log: { error, warn: vi.fn() } as unknown as FastifyBaseLogger, error };
}

describe('BatchRunner', () => {
  it('takes batches while they come back full, then stops', async () => {
    const sizes = [3, 3, 1];
    const batch = vi.fn(async () => sizes.shift() ?? 0);
    const runner = new BatchRunner({
      what: 'test',
      batch,
      batchSize: 3,
      housekeeping: async () => {},
      log: silentLog().log,
    });
    await runner.run();
    expect(batch).toHaveBeenCalledTimes(3);
  });

  it('shares one run between concurrent callers, and runs again for a call made during it', async () => {
    let release!: () => void;
    const first = new Promise<void>((resolve) => {
      release = resolve;
    });
    let calls = 0;
    const batch = vi.fn(async () => {
      calls += 1;
      if (calls === 1) await first;
      return 0;
    });
    const runner = new BatchRunner({
      what: 'test',
      batch,
      batchSize: 10,
      housekeeping: async () => {},
      log: silentLog().log,
    });
    const a = runner.run();
    const b = runner.run(); // during the first batch: must not be lost
    expect(b).toBe(a);
    release();
    await a;
    expect(batch).toHaveBeenCalledTimes(2);
  });

  it('logs a failing batch and settles, so the next run starts afresh', async () => {
    const { log, error } = silentLog();
    const batch = vi
      .fn<() => Promise<number>>()
      .mockRejectedValueOnce(new Error('database gone'))
      .mockResolvedValue(0);
    const runner = new BatchRunner({
      what: 'test',
      batch,
      batchSize: 5,
      housekeeping: async () => {},
      log,
    });
    await expect(runner.run()).resolves.toBeUndefined();
    expect(error).toHaveBeenCalledWith(
      expect.objectContaining({ err: expect.any(Error) }),
      'test failed',
    );
    await runner.run();
    expect(batch).toHaveBeenCalledTimes(2);
  });
});
