/**
 * The bare-HTTP baseline: the server's own framework (Fastify, resolved from
 * packages/server so it is the very same copy and version) answering
 * `POST /` with 204 and no body, no logging, no schema, no database. The
 * bench runs it as a child process, like the server under test.
 *
 * Usage: `PORT=8081 node bench/dist/baseline-server.js`
 */
import { createRequire } from 'node:module';
import type { FastifyInstance, FastifyServerOptions } from 'fastify';

const fromServer = createRequire(new URL('../../packages/server/package.json', import.meta.url));
const { default: Fastify } = (await import(fromServer.resolve('fastify'))) as {
  default: (options?: FastifyServerOptions) => FastifyInstance;
};

const app = Fastify({ logger: false });
app.post('/', async (_request, reply) => reply.code(204).send());
const port = Number(process.env.PORT ?? 8081);
await app.listen({ host: process.env.HOST ?? '127.0.0.1', port });
process.on('SIGTERM', () => {
  void app.close().then(() => process.exit(0));
});
