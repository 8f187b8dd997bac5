import { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { Metrics } from '@app/metrics';
import { Logger as PinoLogger } from 'pino';
import { retryAfterOf, toErrorResponse } from './error.filter';
import { isJsonContentType, readJsonBody } from './json-body';
import { loggableError } from './loggable-error';
import { requestIdFrom } from './request-id';
import { securityHeaderList } from './security-headers';

export interface FastRequest {
  readonly headers: IncomingHttpHeaders;
  readonly body: unknown;
  readonly requestId: string;
}

/** Returns the 200 body, or throws a DomainError that maps to the contract's status and error body. */
export type FastHandler = (request: FastRequest) => unknown | Promise<unknown>;

const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

interface FastRoute {
  readonly path: string;
  readonly handler: FastHandler;
  readonly status: number;
}

interface Serialized {
  readonly text: string;
  readonly length: string;
}

const serialize = (body: unknown): Serialized => {
  const text = JSON.stringify(body);
  return { text, length: String(Buffer.byteLength(text)) };
};

/** Where `send` writes the per-answer values into its reused header list. */
const CONTENT_LENGTH_AT = 3;
const REQUEST_ID_AT = 5;

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
  /** path -> method -> route: no key string is built per request. */
  private readonly routes = new Map<string, Map<string, FastRoute>>();
  /**
   * One flat [name, value, ...] list for every answer, its two per-answer values overwritten in place:
   * writeHead copies it into the header block at once, so nothing holds it between answers.
   */
  private readonly headers = ['content-type', JSON_CONTENT_TYPE, 'content-length', '', 'x-request-id', '', ...securityHeaderList()];
  /**
   * The JSON of frozen bodies, serialised once: a handler that answers a frozen object (the verifier's
   * cached answers) promises that nothing in it changes, nested values included.
   */
  private readonly serialized = new WeakMap<object, Serialized>();
  private routeCount = 0;

  constructor(private readonly options: { bodyLimitBytes: number; logger: PinoLogger; metrics?: Metrics }) {}

  /** `status` is the route's success status (200 unless the contract says otherwise, e.g. 202). */
  register(method: 'POST', path: string, handler: FastHandler, status = 200): void {
    let methods = this.routes.get(path);
    if (!methods) this.routes.set(path, (methods = new Map()));
    if (methods.has(method)) throw new Error(`fast route ${method} ${path} registered twice`);
    methods.set(method, { path, handler, status });
    this.routeCount++;
  }

  get size(): number {
    return this.routeCount;
  }

  /**
   * Takes the request when it is one of its routes with a JSON body (true), else leaves it untouched
   * (false): another method, content type or charset goes to the framework, which answers it (405,
   * OPTIONS, 415) by the same rules as every route.
   */
  tryHandle(request: IncomingMessage, response: ServerResponse): boolean {
    if (this.routeCount === 0) return false;
    const route = this.routes.get(request.url!)?.get(request.method!);
    if (!route) return false;
    if (!isJsonContentType(request.headers['content-type'])) return false;
    const requestId = requestIdFrom(request.headers);
    // The clock is read only for the metrics: off, nobody could read the duration.
    const started = this.options.metrics ? performance.now() : 0;
    readJsonBody(request, request.headers, this.options.bodyLimitBytes, (outcome) => {
      if (outcome.ok) this.answer(route, { headers: request.headers, body: outcome.body, requestId }, response, started);
      else if ('aborted' in outcome) response.destroy();
      else this.send(response, route, requestId, started, outcome.status, outcome.error);
    });
    return true;
  }

  private answer(route: FastRoute, request: FastRequest, response: ServerResponse, started: number): void {
    let result: unknown;
    try {
      result = route.handler(request);
    } catch (error) {
      this.fail(error, route, request.requestId, response, started);
      return;
    }
    if (result instanceof Promise) {
      result.then(
        (body) => this.send(response, route, request.requestId, started, route.status, body),
        (error: unknown) => this.fail(error, route, request.requestId, response, started),
      );
    } else {
      this.send(response, route, request.requestId, started, route.status, result);
    }
  }

  private fail(error: unknown, route: FastRoute, requestId: string, response: ServerResponse, started: number): void {
    const { status, body } = toErrorResponse(error);
    if (status >= 500) this.options.logger.error({ requestId, err: loggableError(error) }, 'fast route failed');
    this.send(response, route, requestId, started, status, body, retryAfterOf(status, body));
  }

  private send(
    response: ServerResponse,
    route: FastRoute,
    requestId: string,
    started: number,
    status: number,
    body: unknown,
    retryAfter?: string,
  ): void {
    const payload = this.serialized.get(body as object) ?? this.serializeOnceIfFrozen(body);
    const headers = this.headers;
    headers[CONTENT_LENGTH_AT] = payload.length;
    headers[REQUEST_ID_AT] = requestId;
    response.writeHead(status, retryAfter === undefined ? headers : [...headers, 'retry-after', retryAfter]);
    response.end(payload.text);
    this.options.metrics?.recordRequest('POST', route.path, status, (performance.now() - started) / 1000);
  }

  private serializeOnceIfFrozen(body: unknown): Serialized {
    const payload = serialize(body);
    if (typeof body === 'object' && body !== null && Object.isFrozen(body)) this.serialized.set(body, payload);
    return payload;
  }
}
