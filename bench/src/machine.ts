import { createRequire } from 'node:module';
import { cpus, release, totalmem } from 'node:os';

/** The machine and software a measurement was taken on. */
export interface Machine {
  readonly cpu: string;
  readonly cores: number;
  readonly memoryGb: number;
  readonly os: string;
  readonly node: string;
  /** The Fastify version the server (and so the baseline) loads. */
  readonly fastify: string;
}

/** Describes this machine, from `os.cpus()` and friends. */
export function describeMachine(): Machine {
  const list = cpus();
  const fromServer = createRequire(new URL('../../packages/server/package.json', import.meta.url));
  const fastify = (fromServer('fastify/package.json') as { version: string }).version;
  return {
    cpu: list[0]?.model.trim() ?? 'unknown',
    cores: list.length,
    memoryGb: totalmem() / 2 ** 30,
    os: `${process.platform} ${release()}`,
    node: process.version,
    fastify,
  };
}
