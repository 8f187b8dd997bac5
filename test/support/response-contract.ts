import Ajv2020, { ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';

type Json = Record<string, unknown>;
interface ResponseObject {
  content?: Record<string, { schema?: Json }>;
}
interface Operation {
  responses: Record<string, ResponseObject>;
}

export interface ReceivedResponse {
  readonly method: string;
  readonly url: string;
  readonly statusCode: number;
  readonly headers: Record<string, unknown>;
  readonly body: string;
}

const METHODS = new Set(['get', 'put', 'post', 'delete', 'patch']);

/**
 * Checks answers against the OpenAPI document of the app that gave them: the status must be one its
 * route documents, and a JSON body must match the schema documented for that status. An answer of a
 * path the document does not know (a 404 for an unknown route) is checked against the error schema.
 */
export class ResponseContract {
  private readonly ajv: Ajv2020;
  private readonly routes: Array<{ pattern: RegExp; params: number; path: string; item: Record<string, Operation> }>;
  private readonly validators = new Map<string, ValidateFunction>();

  constructor(document: Json) {
    // Every `#/components/...` reference resolves against the document's components, added once.
    const rewritten = JSON.parse(JSON.stringify(document).replace(/"\$ref":"#\//g, '"$ref":"openapi#/')) as Json;
    this.ajv = new Ajv2020({ strict: false, allErrors: true, logger: false });
    addFormats(this.ajv);
    this.ajv.addSchema({ $id: 'openapi', components: rewritten.components }, 'openapi');
    this.routes = Object.entries(rewritten.paths as Record<string, Record<string, Operation>>)
      .map(([path, item]) => ({
        path,
        item,
        params: (path.match(/\{/g) ?? []).length,
        pattern: new RegExp(`^${path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}$`),
      }))
      .sort((a, b) => a.params - b.params);
  }

  /** The problems of one answer; empty when it keeps the contract. */
  check(response: ReceivedResponse): string[] {
    const method = response.method.toLowerCase();
    const path = response.url.split('?')[0];
    const route = this.routes.find((candidate) => candidate.pattern.test(path));
    const where = `${response.method} ${path} -> ${response.statusCode}`;
    if (!route || !METHODS.has(method) || !route.item[method]) {
      if (response.statusCode >= 400) return this.validate(`${where}`, '#/components/schemas/ErrorBody', response);
      return [];
    }
    const responses = route.item[method].responses;
    const status = String(response.statusCode);
    const key = [status, `${status[0]}XX`, 'default'].find((candidate) => responses[candidate] !== undefined);
    if (key === undefined) {
      return [`${where}: status ${status} is not documented for ${method.toUpperCase()} ${route.path} (add an @ApiResponse)`];
    }
    const content = responses[key].content;
    const type = String(response.headers['content-type'] ?? '')
      .split(';')[0]
      .trim();
    if (!content) {
      return response.body.length > 0 && type === 'application/json'
        ? [`${where}: answers a JSON body but documents none for ${status} (give the response a type or schema)`]
        : [];
    }
    if (response.body.length === 0 && response.statusCode === 204) return [];
    if (!content[type]) return [`${where}: content type ${type || '(none)'} is not documented (${Object.keys(content).join(', ')})`];
    if (type !== 'application/json' || !content[type].schema) return [];
    return this.validate(where, `paths/${route.path}/${method}/${key}`, response, content[type].schema);
  }

  private validate(where: string, key: string, response: ReceivedResponse, schema?: Json): string[] {
    let validator = this.validators.get(key);
    if (!validator) {
      validator = this.ajv.compile(schema ?? { $ref: `openapi${key}` });
      this.validators.set(key, validator);
    }
    let body: unknown;
    try {
      body = JSON.parse(response.body);
    } catch {
      return [`${where}: the body is not JSON: ${response.body.slice(0, 200)}`];
    }
    if (validator(body)) return [];
    return (validator.errors ?? []).map(
      (error) =>
        `${where}: body${error.instancePath} ${error.message} ${JSON.stringify(error.params)} (body: ${response.body.slice(0, 300)})`,
    );
  }
}
