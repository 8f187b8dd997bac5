import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { OpenAPIObject } from '@nestjs/swagger';
import { buildOpenApiDocument, OpenApiOptions } from './openapi';

/** Served with every HTML page; scripts and styles are files of this service, nothing inline. */
export const HTML_CSP = "default-src 'self'; frame-ancestors 'none'";

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Account service: API reference</title>
<link rel="icon" type="image/png" href="/docs/assets/favicon-32x32.png">
<link rel="stylesheet" href="/docs/assets/swagger-ui.css">
</head>
<body>
<div id="reference"></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script>
<script src="/docs/assets/reference.js"></script>
</body>
</html>
`;

// An external file, not an inline script, so the page works under HTML_CSP without a nonce.
const INITIALIZER = `window.ui = SwaggerUIBundle({
  url: '/docs/openapi.json',
  dom_id: '#reference',
  deepLinking: true,
  validatorUrl: null,
  presets: [SwaggerUIBundle.presets.apis],
  layout: 'BaseLayout',
});
`;

function percentDecoded(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

interface Asset {
  readonly type: string;
  readonly content: Buffer;
}

/**
 * The stylesheet's `url(data:...)` images as files of their own: `default-src 'self'` refuses data:
 * URLs, and the CSP of the design has no img-src to allow them.
 */
export function externaliseDataUrls(css: string): { css: string; images: Map<string, Asset> } {
  const images = new Map<string, Asset>();
  let out = '';
  let at = 0;
  for (;;) {
    const start = css.indexOf('url(', at);
    if (start < 0) break;
    let cursor = start + 4;
    const quote = css[cursor] === '"' || css[cursor] === "'" ? css[cursor] : '';
    if (quote) cursor += 1;
    let value = '';
    while (cursor < css.length && (quote ? css[cursor] !== quote : css[cursor] !== ')')) {
      if (quote && css[cursor] === '\\') cursor += 1;
      value += css[cursor];
      cursor += 1;
    }
    const end = css.indexOf(')', cursor) + 1;
    const data = /^data:([^;,]+)(;charset=[^;,]+)?(;base64)?,(.*)$/s.exec(value);
    if (!data) {
      out += css.slice(at, end);
      at = end;
      continue;
    }
    const content = data[3] ? Buffer.from(data[4], 'base64') : Buffer.from(percentDecoded(data[4]), 'utf8');
    const extension = { 'image/svg+xml': 'svg', 'image/png': 'png', 'image/jpeg': 'jpg', 'image/gif': 'gif' }[data[1]] ?? 'bin';
    const name = `image-${images.size + 1}.${extension}`;
    images.set(name, { type: data[1], content });
    out += `${css.slice(at, start)}url(/docs/assets/${name})`;
    at = end;
  }
  return { css: out + css.slice(at), images };
}

/** The reference's files: Swagger UI's bundle, its stylesheet and the stylesheet's images. */
function loadAssets(): Map<string, Asset> {
  const dir = dirname(require.resolve('swagger-ui-dist/package.json'));
  const { css, images } = externaliseDataUrls(readFileSync(join(dir, 'swagger-ui.css'), 'utf8'));
  return new Map<string, Asset>([
    ['swagger-ui.css', { type: 'text/css; charset=utf-8', content: Buffer.from(css) }],
    ['swagger-ui-bundle.js', { type: 'text/javascript; charset=utf-8', content: readFileSync(join(dir, 'swagger-ui-bundle.js')) }],
    ['favicon-32x32.png', { type: 'image/png', content: readFileSync(join(dir, 'favicon-32x32.png')) }],
    ['reference.js', { type: 'text/javascript; charset=utf-8', content: Buffer.from(INITIALIZER) }],
    ...images,
  ]);
}

/** True when the Accept header ranks text/html above application/json (a browser; curl's `*\/*` is JSON). */
export function prefersHtml(accept: string | undefined): boolean {
  if (!accept) return false;
  let html = 0;
  let json = 0;
  for (const part of accept.split(',')) {
    const [type, ...parameters] = part.trim().toLowerCase().split(';');
    const qParameter = parameters.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const q = qParameter === undefined ? 1 : Number(qParameter.slice(2)) || 0;
    if (type === 'text/html') html = Math.max(html, q);
    if (type === 'application/json') json = Math.max(json, q);
  }
  return html > json;
}

/**
 * `GET /docs` (the reference in a browser, else the document), `GET /docs/openapi.json` (OpenAPI 3.1,
 * built from the controllers and DTOs on first request) and the reference's assets from swagger-ui-dist.
 */
export function serveApiReference(app: NestFastifyApplication, publicUrl: string, options: OpenApiOptions): void {
  let document: OpenAPIObject | undefined;
  const documentOf = () => (document ??= buildOpenApiDocument(app, publicUrl, options));
  let assets: Map<string, Asset> | undefined;
  const fastify = app.getHttpAdapter().getInstance();
  fastify.get('/docs', async (request, reply) => {
    void reply.header('vary', 'accept');
    if (prefersHtml(request.headers.accept)) {
      return reply
        .header('content-type', 'text/html; charset=utf-8')
        .header('content-security-policy', HTML_CSP)
        .header('referrer-policy', 'no-referrer')
        .send(PAGE);
    }
    return reply.header('content-type', 'application/json; charset=utf-8').send(documentOf());
  });
  fastify.get('/docs/openapi.json', async (_request, reply) =>
    reply.header('content-type', 'application/json; charset=utf-8').send(documentOf()),
  );
  fastify.get<{ Params: { file: string } }>('/docs/assets/:file', async (request, reply) => {
    assets ??= loadAssets();
    const asset = assets.get(request.params.file);
    if (!asset) {
      return reply
        .code(404)
        .header('content-type', 'application/json; charset=utf-8')
        .send({ error: 'not_found', message: 'No such asset' });
    }
    return reply.header('content-type', asset.type).header('cache-control', 'public, max-age=3600').send(asset.content);
  });
}
