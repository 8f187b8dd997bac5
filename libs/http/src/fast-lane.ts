import { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { Metrics } from '@app/metrics';
import { Logger as PinoLogger } from 'pino';
import { ErrorDetail } from './error-body';
import { requestIdFrom } from './request-id';
import { BODY_NOT_JSON_MESSAGE, BODY_TOO_LARGE_MESSAGE, toErrorResponse } from './error.filter';

export interface FastRequest {
  readonly headers: IncomingHttpHeaders;
  readonly body: unknown;
  readonly requestId: string;
}

/** Returns the 200 body, or throws a DomainError that maps to the contract's status and error body. */
export type FastHandler = (request: FastRequest) => unknown | Promise<unknown>;

const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

interface Timing {
  readonly path: string;
  readonly started: number;
}

/**
 * The hot paths (key verification on every platform request) answered straight from node:http, in
 * front of Fastify and NestJS on the same server and port: the framework stack costs several times
 * the verification itself. A route here keeps the contract of every other route: JSON in and out,
 * the body limit (413), malformed JSON (400 `invalid_request` with details), the error format, and
 * the `x-request-id` header. It only takes `application/json` requests; anything else falls through
 * to the same route in NestJS, which remains the documented definition of the route.
 */
export class FastLane {
  private readonly routes = new Map<string, FastHandler>();

  constructor(private readonly options: { bodyLimitBytes: number; logger: PinoLogger; metrics?: Metrics }) {}

  register(method: 'POST', path: string, handler: FastHandler): void {
    const key = `${method} ${path}`;
    if (this.routes.has(key)) throw new Error(`fast route ${key} registered twice`);
    this.routes.set(key, handler);
  }

  get size(): number {
    return this.routes.size;
  }

  /** Takes the request when it is one of its routes (true), else leaves it untouched (false). */
  tryHandle(request: IncomingMessage, response: ServerResponse): boolean {
    if (this.routes.size === 0) return false;
    const handler = this.routes.get(`${request.method} ${request.url}`);
    if (!handler) return false;
    const contentType = request.headers['content-type'];
    if (typeof contentType !== 'string' || !contentType.startsWith('application/json')) return false;
    const requestId = requestIdFrom(request.headers);
    const timing: Timing = { path: request.url!, started: performance.now() };
    this.readBody(request, response, requestId, timing, (body) =>
      this.answer(handler, { headers: request.headers, body, requestId }, response, timing),
    );
    return true;
  }

  private readBody(
    request: IncomingMessage,
    response: ServerResponse,
    requestId: string,
    timing: Timing,
    next: (body: unknown) => void,
  ): void {
    const limit = this.options.bodyLimitBytes;
    const declared = Number(request.headers['content-length']);
    if (declared > limit) {
      this.send(response, requestId, timing, 413, { error: 'payload_too_large', message: BODY_TOO_LARGE_MESSAGE }, true);
      request.resume();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let refused = false;
    request.on('data', (chunk: Buffer) => {
      if (refused) return;
      size += chunk.length;
      if (size > limit) {
        refused = true;
        this.send(response, requestId, timing, 413, { error: 'payload_too_large', message: BODY_TOO_LARGE_MESSAGE }, true);
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => {
      if (refused) return;
      const text = chunks.length === 1 ? chunks[0].toString('utf8') : Buffer.concat(chunks).toString('utf8');
      let body: unknown;
      try {
        body = text.length === 0 ? undefined : JSON.parse(text);
      } catch {
        const details: ErrorDetail[] = [{ field: 'body', message: BODY_NOT_JSON_MESSAGE }];
        this.send(response, requestId, timing, 400, { error: 'invalid_request', message: BODY_NOT_JSON_MESSAGE, details });
        return;
      }
      next(body);
    });
    request.on('error', () => response.destroy());
  }

  private answer(handler: FastHandler, request: FastRequest, response: ServerResponse, timing: Timing): void {
    let result: unknown;
    try {
      result = handler(request);
    } catch (error) {
      this.fail(error, request.requestId, response, timing);
      return;
    }
    if (result instanceof Promise) {
      result.then(
        (body) => this.send(response, request.requestId, timing, 200, body),
        (error: unknown) => this.fail(error, request.requestId, response, timing),
      );
    } else {
      this.send(response, request.requestId, timing, 200, result);
    }
  }

  private fail(error: unknown, requestId: string, response: ServerResponse, timing: Timing): void {
    const { status, body } = toErrorResponse(error);
    if (status >= 500) this.options.logger.error({ requestId, err: (error as Error)?.message }, 'fast route failed');
    this.send(response, requestId, timing, status, body);
  }

  private send(response: ServerResponse, requestId: string, timing: Timing, status: number, body: unknown, close = false): void {
    const payload = JSON.stringify(body);
    // A flat [name, value, ...] list: node:http takes it as is, without walking and copying an object.
    const headers = ['content-type', JSON_CONTENT_TYPE, 'content-length', String(Buffer.byteLength(payload)), 'x-request-id', requestId];
    if (close) headers.push('connection', 'close');
    response.writeHead(status, headers);
    response.end(payload);
    this.options.metrics?.recordRequest('POST', timing.path, status, (performance.now() - timing.started) / 1000);
  }
}
