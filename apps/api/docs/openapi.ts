import { Type } from '@nestjs/common';
import { GUARDS_METADATA, HTTP_CODE_METADATA } from '@nestjs/common/constants';
import { ModulesContainer } from '@nestjs/core';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { AccountAuthGuard, requiredRolesOf, ServiceTokenGuard, StaffGuard } from '@app/auth';
import { ResolvedConfig } from '@app/config';
import { registeredErrorCodes } from '@app/http';
import { metricsOnAppPort } from '../metrics/metrics-endpoint';

type Json = Record<string, unknown>;
type Operation = {
  operationId?: string;
  responses: Record<string, Json>;
  security?: Array<Record<string, string[]>>;
  requestBody?: unknown;
  description?: string;
};

export const ACCOUNT_BEARER = 'accountBearer';
export const SERVICE_TOKEN = 'serviceToken';
export const METRICS_TOKEN_SCHEME = 'metricsToken';

const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;

/** Answers any route may give (design.md section 4), documented on every operation. */
const EVERY_ROUTE: Record<string, string> = {
  '400': 'invalid_request: malformed JSON, wrong types, unknown or missing fields, a malformed path or query',
  '414': 'uri_too_long: a path plus query over 8 KiB, or an over-long path segment',
  '429': 'rate_limited, with Retry-After',
  '503': 'service_unavailable',
};
const EVERY_WRITE: Record<string, string> = {
  '409': 'conflict: concurrent changes, retries ran out',
  '413': 'payload_too_large: a body over BODY_LIMIT_BYTES',
  '415': 'unsupported_media_type: a non-empty body not declared application/json',
};

const example = (code: string): Json => ({ error: code, message: `${code.replace(/_/g, ' ')}` });

/** OpenAPI 3.0's `nullable: true` (what @nestjs/swagger writes) as JSON Schema 2020-12, which 3.1 uses. */
function toJsonSchema2020(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(toJsonSchema2020);
  if (node === null || typeof node !== 'object') return node;
  const out: Json = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === 'nullable') continue;
    out[key] = toJsonSchema2020(value);
  }
  if ((node as Json).nullable === true) {
    if (typeof out.type === 'string') {
      out.type = [out.type, 'null'];
      if (Array.isArray(out.enum)) out.enum = [...(out.enum as unknown[]), null];
    } else {
      return { anyOf: [out, { type: 'null' }] };
    }
  }
  return out;
}

function controllersByName(app: NestFastifyApplication): Map<string, Type<unknown>> {
  const byName = new Map<string, Type<unknown>>();
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      if (wrapper.metatype) byName.set((wrapper.metatype as Type<unknown>).name, wrapper.metatype as Type<unknown>);
    }
  }
  return byName;
}

interface HandlerFacts {
  readonly guards: unknown[];
  readonly httpCode?: number;
  readonly roles: readonly string[];
}

function handlerFacts(controllers: Map<string, Type<unknown>>, operationId: string | undefined): HandlerFacts | undefined {
  if (!operationId) return undefined;
  const separator = operationId.indexOf('_');
  const controller = controllers.get(operationId.slice(0, separator));
  const handler = controller?.prototype[operationId.slice(separator + 1)] as object | undefined;
  if (!controller || !handler) return undefined;
  const guards = [...(Reflect.getMetadata(GUARDS_METADATA, controller) ?? []), ...(Reflect.getMetadata(GUARDS_METADATA, handler) ?? [])];
  return { guards, httpCode: Reflect.getMetadata(HTTP_CODE_METADATA, handler), roles: requiredRolesOf(controller, handler) };
}

function errorResponse(status: string, description: string, codesByStatus: Map<number, string[]>): Json {
  const codes = codesByStatus.get(Number(status)) ?? [];
  // The example shows the code the description names first, else the status's general code.
  const named = codes.filter((code) => new RegExp(`\\b${code}\\b`).test(description));
  const shown = named[0] ?? codes[0];
  return {
    description,
    content: {
      'application/json': {
        schema: { $ref: codes.length > 0 ? `#/components/schemas/Error${status}` : '#/components/schemas/ErrorBody' },
        ...(shown ? { example: example(shown) } : {}),
      },
    },
  };
}

/** Security, the answers every route may give, the error schema on each error answer, OpenAPI 3.1. */
function complete(document: OpenAPIObject, app: NestFastifyApplication, options: OpenApiOptions): OpenAPIObject {
  const controllers = controllersByName(app);
  const codes = registeredErrorCodes();
  const codesByStatus = new Map<number, string[]>();
  for (const { code, status } of codes) codesByStatus.set(status, [...(codesByStatus.get(status) ?? []), code]);

  for (const [, item] of Object.entries(document.paths)) {
    for (const method of METHODS) {
      const operation = (item as Record<string, Operation | undefined>)[method];
      if (!operation) continue;
      const facts = handlerFacts(controllers, operation.operationId);
      const guards = facts?.guards ?? [];
      const responses = operation.responses;
      if (!Object.keys(responses).some((status) => status.startsWith('2') || status.startsWith('3'))) {
        const status = String(facts?.httpCode ?? (method === 'post' ? 201 : 200));
        responses[status] = { description: status === '204' ? 'Done; no body' : 'Done' };
      }
      const extra: Record<string, string> = { ...EVERY_ROUTE, ...(method === 'get' ? {} : EVERY_WRITE) };
      // A route that checks its credentials itself names the scheme: @ApiBearerAuth('serviceToken').
      const declared = operation.security?.flatMap((requirement) => Object.keys(requirement)) ?? [];
      if (guards.includes(ServiceTokenGuard) || declared.includes(SERVICE_TOKEN)) {
        operation.security = [{ [SERVICE_TOKEN]: [] }];
        extra['401'] = 'invalid_service_token: a missing or unknown platform service token, or an access token';
      } else if (declared.includes(METRICS_TOKEN_SCHEME)) {
        extra['401'] = 'unauthorized: a missing or wrong METRICS_TOKEN';
      } else if (guards.includes(AccountAuthGuard) || guards.includes(StaffGuard) || declared.length > 0) {
        // OpenAPI 3.1 lets a non-OAuth requirement list the role names it needs: a staff route's roles (any one).
        const roles = guards.includes(StaffGuard) ? [...(facts?.roles ?? [])] : [];
        operation.security = [{ [ACCOUNT_BEARER]: roles }];
        extra['401'] = 'unauthorized: a missing, expired or ended access token (or a service token)';
        if (guards.includes(StaffGuard)) extra['403'] = `forbidden: the account holds none of the staff roles ${roles.join(', ')}`;
      } else if (facts) {
        operation.security = [];
      }
      for (const [status, description] of Object.entries(extra)) {
        responses[status] ??= { description };
      }
      for (const [status, response] of Object.entries(responses)) {
        if (Number(status) >= 400 && response.content === undefined) {
          responses[status] = errorResponse(status, String(response.description ?? ''), codesByStatus);
        }
      }
    }
  }

  const table = codes.map(({ code, status }) => `| \`${code}\` | ${status} |`).join('\n');
  const components = (document.components ??= {});
  components.securitySchemes = {
    [ACCOUNT_BEARER]: {
      type: 'http',
      scheme: 'bearer',
      bearerFormat: 'JWT',
      description: 'An access token from `POST /v1/auth/login` (15 minutes; refresh with `POST /v1/auth/refresh`).',
    },
    [SERVICE_TOKEN]: {
      type: 'http',
      scheme: 'bearer',
      description: 'A platform service token from `PLATFORM_SERVICE_TOKENS` (the platform backend only).',
    },
    ...(options.metricsOnThisPort
      ? { [METRICS_TOKEN_SCHEME]: { type: 'http', scheme: 'bearer', description: '`METRICS_TOKEN` (when `METRICS_PORT` is not set).' } }
      : {}),
  };
  components.schemas = {
    ...components.schemas,
    ErrorDetail: {
      type: 'object',
      required: ['field', 'message'],
      properties: { field: { type: 'string', example: 'email' }, message: { type: 'string', example: 'email must be an email' } },
    },
    ...Object.fromEntries(
      [...codesByStatus].map(([status, statusCodes]) => [
        `Error${status}`,
        {
          description: `An error answer with status ${status}`,
          allOf: [{ $ref: '#/components/schemas/ErrorBody' }, { type: 'object', properties: { error: { enum: statusCodes } } }],
        },
      ]),
    ),
    ErrorBody: {
      type: 'object',
      description: 'Every error answer. Some codes add fields (`retryAfter`, `violations`).',
      required: ['error', 'message'],
      properties: {
        error: { type: 'string', enum: codes.map(({ code }) => code), description: 'A stable code; see the table in the introduction' },
        message: { type: 'string' },
        details: { type: 'array', items: { $ref: '#/components/schemas/ErrorDetail' } },
      },
      example: {
        error: 'invalid_request',
        message: 'email must be an email',
        details: [{ field: 'email', message: 'email must be an email' }],
      },
    },
  };
  document.info.description = `${document.info.description}\n\n| error code | status |\n|---|---|\n${table}`;
  delete (document as { security?: unknown }).security;
  return toJsonSchema2020(document) as OpenAPIObject;
}

export function buildOpenApiDocument(app: NestFastifyApplication, publicUrl: string, options: OpenApiOptions): OpenAPIObject {
  const config = new DocumentBuilder()
    .setOpenAPIVersion('3.1.0')
    .setTitle('Account service')
    .setDescription(
      'Sign-in, MFA, API keys, billing, recovery and audit for the platform. JSON in and out; lists answer ' +
        '`{ items, nextCursor }`. Errors are `{ error, message, details? }` with one of the codes below.',
    )
    .setVersion('1')
    .addServer(publicUrl)
    .build();
  const document = SwaggerModule.createDocument(app, config);
  document.paths['/docs/openapi.json'] = {
    get: {
      tags: ['operations'],
      summary: 'This document',
      operationId: 'docs_document',
      security: [],
      responses: { '200': { description: 'The OpenAPI 3.1 document', content: { 'application/json': { schema: { type: 'object' } } } } },
    },
  };
  document.paths['/docs'] = {
    get: {
      tags: ['operations'],
      summary: 'The API reference: HTML when Accept prefers text/html, else this document',
      operationId: 'docs_reference',
      security: [],
      responses: {
        '200': {
          description: 'The reference page, or the document',
          content: { 'text/html': { schema: { type: 'string' } }, 'application/json': { schema: { type: 'object' } } },
        },
      },
    },
  };
  if (options.metricsOnThisPort) {
    document.paths['/metrics'] = {
      get: {
        tags: ['operations'],
        summary: 'Prometheus metrics (listed here because METRICS_TOKEN is set and METRICS_PORT is not)',
        operationId: 'metrics_scrape',
        security: [{ [METRICS_TOKEN_SCHEME]: [] }],
        responses: {
          '200': { description: 'The Prometheus text format', content: { 'text/plain': { schema: { type: 'string' } } } },
          '401': { description: 'unauthorized: a missing or wrong METRICS_TOKEN' },
        },
      },
    };
  }
  return complete(document, app, options);
}

export interface OpenApiOptions {
  /** `GET /metrics` is served on the app's port (behind METRICS_TOKEN): listed only then, never when off or on METRICS_PORT. */
  readonly metricsOnThisPort: boolean;
}

export const openApiOptionsOf = (config: ResolvedConfig): OpenApiOptions => ({ metricsOnThisPort: metricsOnAppPort(config) });
