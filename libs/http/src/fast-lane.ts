import { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { Metrics } from '@app/metrics';
import { Logger as PinoLogger } from 'pino';
import { retryAfterOf, toErrorResponse } from './error.filter';
import { isJsonContentType, readJsonBody } from './json-body';
import { loggableError } from './loggable-error';
import { requestIdFrom } from './request-id';
import { securityHeaderList } from './security-headers';

interface Timing {
  readonly path: string;
  readonly started: number;
}

export interface FastRequest {
  readonly headers: IncomingHttpHeaders;
  readonly body: unknown;
  readonly requestId: string;
}

/** Returns the 200 body, or throws a DomainError that maps to the contract's status and error body. */
export type FastHandler = (request: FastRequest) => unknown | Promise<unknown>;

const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

/**
 * The hot paths (key verification on every platform request) answered straight from node:http, in
 * front of Fastify and NestJS on the same server and port: the framework stack costs several times
 * the verification itself. A route here keeps the contract of every other route: JSON in and out,
 * the body rules of `readJsonBody` (413, invalid UTF-8, nesting, malformed JSON: 400 with details), the
 * error format, the security headers and the `x-request-id` header. It only takes `application/json`
 * requests; anything else falls through to the same route in NestJS, which remains the documented
 * definition of the route.
 */
export class FastLane {
  private readonly routes = new Map<string, { handler: FastHandler; status: number }>();
  private readonly securityHeaders = securityHeaderList();

  constructor(private readonly options: { bodyLimitBytes: number; logger: PinoLogger; metrics?: Metrics }) {}

  /** `status` is the route's success status (200 unless the contract says otherwise, e.g. 202). */
  register(method: 'POST', path: string, handler: FastHandler, status = 200): void {
    const key = `${method} ${path}`;
    if (this.routes.has(key)) throw new Error(`fast route ${key} registered twice`);
    this.routes.set(key, { handler, status });
  }

  get size(): number {
    return this.routes.size;
  }

  /**
   * Takes the request when it is one of its routes with a JSON body (true), else leaves it untouched
   * (false): another method, content type or charset goes to the framework, which answers it (405,
   * OPTIONS, 415) by the same rules as every route.
   */
  tryHandle(request: IncomingMessage, response: ServerResponse): boolean {
    if (this.routes.size === 0) return false;
    const route = this.routes.get(`${request.method} ${request.url}`);
    if (!route) return false;
    if (!isJsonContentType(request.headers['content-type'])) return false;
    const requestId = requestIdFrom(request.headers);
    const timing: Timing = { path: request.url!, started: performance.now() };
    readJsonBody(request, request.headers, this.options.bodyLimitBytes, (outcome) => {
      if (outcome.ok) this.answer(route, { headers: request.headers, body: outcome.body, requestId }, response, timing);
      else if ('aborted' in outcome) response.destroy();
      else this.send(response, requestId, timing, outcome.status, outcome.error);
    });
    return true;
  }

  private answer(route: { handler: FastHandler; status: number }, request: FastRequest, response: ServerResponse, timing: Timing): void {
    let result: unknown;
    try {
      result = route.handler(request);
    } catch (error) {
      this.fail(error, request.requestId, response, timing);
      return;
    }
    if (result instanceof Promise) {
      result.then(
        (body) => this.send(response, request.requestId, timing, route.status, body),
        (error: unknown) => this.fail(error, request.requestId, response, timing),
      );
    } else {
      this.send(response, request.requestId, timing, route.status, result);
    }
  }

  private fail(error: unknown, requestId: string, response: ServerResponse, timing: Timing): void {
    const { status, body } = toErrorResponse(error);
    if (status >= 500) this.options.logger.error({ requestId, err: loggableError(error) }, 'fast route failed');
    this.send(response, requestId, timing, status, body, retryAfterOf(status, body));
  }

  private send(response: ServerResponse, requestId: string, timing: Timing, status: number, body: unknown, retryAfter?: string): void {
    const payload = JSON.stringify(body);
    // A flat [name, value, ...] list: node:http takes it as is, without walking and copying an object.
    const headers = [
      'content-type',
      JSON_CONTENT_TYPE,
      'content-length',
      String(Buffer.byteLength(payload)),
      'x-request-id',
      requestId,
      ...this.securityHeaders,
    ];
    if (retryAfter !== undefined) headers.push('retry-after', retryAfter);
    response.writeHead(status, headers);
    response.end(payload);
    this.options.metrics?.recordRequest('POST', timing.path, status, (performance.now() - timing.started) / 1000);
  }
}
