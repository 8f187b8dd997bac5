import { createServer, IncomingMessage, ServerResponse } from 'node:http';
import { DynamicModule, LoggerService, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import fastifyHelmet from '@fastify/helmet';
import { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { Metrics } from '@app/metrics';
import pino, { Logger as PinoLogger } from 'pino';
import { DomainError } from '@app/ddd';
import { AllowedMethods } from './allowed-methods';
import { contractClientErrorHandler } from './client-error';
import { ErrorBody } from './error-body';
import { ErrorFilter, toErrorResponse } from './error.filter';
import { FastLane } from './fast-lane';
import { InvalidRequestError } from './http-errors';
import { BodyOutcome, readJsonBody } from './json-body';
import { requestIdFrom } from './request-id';
import { HELMET_OPTIONS, securityHeaderList } from './security-headers';
import { createValidationPipe } from './validation';
import { truncatedIp } from './truncated-ip';

/** Path plus query: longer is 414 `uri_too_long`, wherever the router would have sent it. */
export const MAX_URL_LENGTH = 8 * 1024;

export interface HttpAppOptions {
  /** Hot routes answered from node:http before Fastify sees them (same server, same port). */
  readonly fastLane?: FastLane;
  readonly bodyLimitBytes: number;
  readonly trustProxy: boolean;
  readonly corsOrigins: readonly string[];
  readonly logger: PinoLogger;
  /** Counts and times every answer by method, route template and status. */
  readonly metrics?: Metrics;
}

/** Request lines without their query string (tokens and codes never reach a log line), the address truncated. */
function requestSerializer(request: FastifyRequest): Record<string, unknown> {
  return { method: request.method, path: request.url.split('?')[0], ip: truncatedIp(request.ip), requestId: request.id };
}

/** A NestJS logger over pino, so framework messages are structured JSON lines too. */
export function nestLoggerOver(logger: PinoLogger): LoggerService {
  const write =
    (level: 'info' | 'warn' | 'error' | 'debug' | 'trace') =>
    (message: unknown, ...rest: unknown[]) => {
      const context = rest.length > 0 ? rest[rest.length - 1] : undefined;
      if (typeof message === 'object' && message !== null) logger[level]({ context, ...message });
      else logger[level]({ context }, String(message));
    };
  return { log: write('info'), warn: write('warn'), error: write('error'), debug: write('debug'), verbose: write('trace') };
}

export interface RegisteredRoute {
  readonly method: string;
  readonly path: string;
}

const routesByApp = new WeakMap<NestFastifyApplication, RegisteredRoute[]>();

/** Every route the app serves (for checking that the OpenAPI document covers them all). */
export function registeredRoutes(app: NestFastifyApplication): readonly RegisteredRoute[] {
  return routesByApp.get(app) ?? [];
}

/** Fastify's messages quote the whole path (up to any length): answered with fixed words instead. */
function routerRefusal(error: { code?: string; statusCode?: number }): { status: number; body: ErrorBody } {
  switch (error.code) {
    case 'FST_ERR_BAD_URL': {
      const message = 'The path is not valid percent-encoded UTF-8';
      return { status: 400, body: { error: 'invalid_request', message, details: [{ field: 'path', message }] } };
    }
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return { status: 414, body: { error: 'uri_too_long', message: 'A path segment is too long' } };
    default:
      return toErrorResponse(error);
  }
}

function securityHeaders(): Record<string, string> {
  const list = securityHeaderList();
  const headers: Record<string, string> = {};
  for (let i = 0; i < list.length; i += 2) headers[list[i]] = list[i + 1];
  return headers;
}

/** A refusal from a hook, before any route handler (and so before authentication). */
function refuse(reply: FastifyReply, status: number, body: ErrorBody, headers: Record<string, string> = {}): void {
  void reply.code(status).headers(headers).header('content-type', 'application/json; charset=utf-8').send(body);
}

/** Answers OPTIONS (204) and a known path's other methods (405), both with `Allow`. */
function answerUnroutedMethod(allowed: AllowedMethods, request: FastifyRequest, reply: FastifyReply): boolean {
  const allow = allowed.allowFor(request.raw.url!.split('?')[0]);
  if (allow === undefined) return false;
  if (request.method !== 'OPTIONS') {
    refuse(reply, 405, { error: 'method_not_allowed', message: `${request.method} is not allowed here; allowed: ${allow}` }, { allow });
    return true;
  }
  void reply.header('allow', allow);
  // A preflight from an origin of CORS_ORIGINS: the CORS hook has already allowed the origin.
  if (reply.getHeader('access-control-allow-origin') !== undefined && request.headers['access-control-request-method'] !== undefined) {
    void reply.header('access-control-allow-methods', allow).header('access-control-max-age', '600');
    const requested = request.headers['access-control-request-headers'];
    if (typeof requested === 'string') void reply.header('access-control-allow-headers', requested);
  }
  void reply.code(204).send();
  return true;
}

function bodyParser(limit: number) {
  return (request: FastifyRequest, payload: NodeJS.ReadableStream, done: (error: Error | null, body?: unknown) => void) =>
    readJsonBody(payload as never, request.headers, limit, (outcome: BodyOutcome) => {
      if (outcome.ok) return done(null, outcome.body);
      if ('aborted' in outcome) return done(new InvalidRequestError([{ field: 'body', message: 'The request body did not arrive' }]));
      const { error, message, ...extra } = outcome.error;
      done(new DomainError(error, message, extra));
    });
}

export async function createHttpApp(module: Type<unknown> | DynamicModule, options: HttpAppOptions): Promise<NestFastifyApplication> {
  const fastLane = options.fastLane;
  const adapter = new FastifyAdapter({
    ...(fastLane
      ? {
          serverFactory: (handler: (request: IncomingMessage, response: ServerResponse) => void) =>
            createServer((request, response) => {
              if (!fastLane.tryHandle(request, response)) handler(request, response);
            }),
        }
      : {}),
    bodyLimit: options.bodyLimitBytes,
    trustProxy: options.trustProxy,
    clientErrorHandler: contractClientErrorHandler,
    // The router's own refusals (before any route, so before the ErrorFilter), in the contract's shape.
    // No route context yet, so no hooks: the request id is set here.
    frameworkErrors: (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
      const { status, body } = routerRefusal(error);
      void reply
        .code(status)
        .headers(securityHeaders())
        .header('content-type', 'application/json; charset=utf-8')
        .header('x-request-id', request.id)
        .send(body);
    },
    loggerInstance: options.logger.child({}, { serializers: { req: requestSerializer as never } }) as never,
    genReqId: (request: { headers: Record<string, string | string[] | undefined> }) => requestIdFrom(request.headers),
  });
  const app = await NestFactory.create<NestFastifyApplication>(module, adapter, {
    logger: nestLoggerOver(options.logger),
    bufferLogs: false,
    // JSON only, by the parser below: NestJS would add a form-encoded one.
    bodyParser: false,
  });
  const fastify = app.getHttpAdapter().getInstance();
  const routes: RegisteredRoute[] = [];
  const allowed = new AllowedMethods();
  fastify.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) {
      allowed.add(method, route.url);
      if (method !== 'HEAD' && method !== 'OPTIONS') routes.push({ method, path: route.url });
    }
  });
  routesByApp.set(app, routes);
  fastify.removeAllContentTypeParsers();
  // One parser for every content type: a non-empty body that is not UTF-8 JSON is 415, before any guard.
  fastify.addContentTypeParser('*', bodyParser(options.bodyLimitBytes));
  await app.register(fastifyHelmet as never, HELMET_OPTIONS as never);
  fastify.addHook('onRequest', (request, reply, done) => {
    if (request.raw.url!.length > MAX_URL_LENGTH)
      return refuse(reply, 414, { error: 'uri_too_long', message: 'The request URI is too long' });
    // OPTIONS too when routed: @fastify/cors registers `OPTIONS *`, which would only call the not-found handler.
    if ((request.is404 || request.method === 'OPTIONS') && answerUnroutedMethod(allowed, request, reply)) return;
    done();
  });
  fastify.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  const metrics = options.metrics;
  if (metrics) {
    fastify.addHook('onResponse', (request, reply, done) => {
      // The route template, not the path: ids in paths would make a series per resource.
      const route = request.routeOptions.url ?? 'unmatched';
      metrics.recordRequest(request.method, route, reply.statusCode, reply.elapsedTime / 1000);
      done();
    });
  }
  if (options.corsOrigins.length > 0) app.enableCors({ origin: [...options.corsOrigins], credentials: true, preflight: false });
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new ErrorFilter());
  return app;
}

export function createLogger(level: string, destination?: pino.DestinationStream): PinoLogger {
  return pino(
    {
      level,
      base: { service: 'account-service' },
      redact: { paths: ['req.headers.authorization', 'req.headers.cookie', '*.password', '*.token', '*.key'], censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}
