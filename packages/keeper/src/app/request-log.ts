import { type FastifyReply, type FastifyRequest, LogController } from 'fastify';

/**
 * The keeper's request log: one line per request, written once its answer
 * has gone out, with what Fastify's two lines ("incoming request" and
 * "request completed") held between them: the request (id, method, path
 * without its query, IP; the `req` serializer of `startKeeper` keeps
 * headers, cookies and bodies out), the status and the time taken, as the
 * service logs its requests.
 */
export class RequestLog extends LogController {
  override incomingRequest(): void {}

  override requestCompleted(
    error: Error | null | undefined,
    request: FastifyRequest,
    reply: FastifyReply,
  ): void {
    const line = {
      req: request,
      status: reply.statusCode,
      ms: Math.round(reply.elapsedTime * 10) / 10,
    };
    if (error) request.log.error({ ...line, err: error }, 'request errored');
    else request.log.info(line, 'request completed');
  }
}
