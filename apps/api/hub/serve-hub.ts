import { existsSync, readFileSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { FastifyReply } from 'fastify';
import { ResolvedConfig } from '@app/config';

/** The pages of the hub: its own paths, and the two links that emails carry (design.md section 5). */
export const HUB_PAGE_PATHS = ['/hub', '/hub/', '/hub/*', '/reset-password', '/verify-email'] as const;

const CONTENT_TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
  '.woff2': 'font/woff2',
};

/**
 * Where `npm run build` writes the hub (vite, `apps/hub/vite.config.mjs`): `dist/hub`, found from the
 * compiled file (`dist/apps/api/hub/`) or, when running from the sources (tests), from the repository.
 */
export function defaultHubDirectory(): string {
  const besideCompiled = resolve(__dirname, '..', '..', '..', 'hub');
  return existsSync(join(besideCompiled, 'index.html')) ? besideCompiled : resolve(__dirname, '..', '..', '..', 'dist', 'hub');
}

function escapeAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}

/**
 * The page shell with what the hub cannot ask the API for: the social sign-in providers and the key
 * scopes this service was configured with, as `<meta>` tags (the CSP forbids inline scripts).
 */
export function hubShell(indexHtml: string, config: Pick<ResolvedConfig, 'oidcProviders' | 'apiScopes'>): string {
  const meta =
    `<meta name="hub-oidc-providers" content="${escapeAttribute(config.oidcProviders.map((provider) => provider.name).join(','))}">` +
    `<meta name="hub-api-scopes" content="${escapeAttribute(config.apiScopes.join(','))}">`;
  return indexHtml.replace('</head>', `${meta}</head>`);
}

/**
 * Serves the built single-page app: `GET /hub/assets/*` (hashed file names, cached for a year) and the
 * page shell for every page path, under the service's CSP (`default-src 'self'; frame-ancestors 'none'`,
 * set for every answer by helmet). Without a build the pages answer 404 `not_found` saying so.
 */
export function serveHub(app: NestFastifyApplication, config: ResolvedConfig, directory = defaultHubDirectory()): void {
  const fastify = app.getHttpAdapter().getInstance();
  const assets = resolve(directory, 'assets');
  let shell: string | undefined;
  const page = (reply: FastifyReply) => {
    const index = join(directory, 'index.html');
    if (shell === undefined) {
      if (!existsSync(index)) {
        return reply
          .code(404)
          .header('content-type', 'application/json; charset=utf-8')
          .send({ error: 'not_found', message: 'The hub is not built: run npm run build' });
      }
      shell = hubShell(readFileSync(index, 'utf8'), config);
    }
    return reply.header('content-type', 'text/html; charset=utf-8').header('cache-control', 'no-cache').send(shell);
  };
  fastify.get('/hub/assets/:file', (request, reply) => {
    const { file } = request.params as { file: string };
    const path = resolve(assets, file);
    const type = CONTENT_TYPES[extname(file)];
    if (!/^[A-Za-z0-9._-]+$/.test(file) || !path.startsWith(`${assets}/`) || type === undefined || !existsSync(path)) {
      return reply
        .code(404)
        .header('content-type', 'application/json; charset=utf-8')
        .send({ error: 'not_found', message: 'No such file' });
    }
    return reply.header('content-type', type).header('cache-control', 'public, max-age=31536000, immutable').send(readFileSync(path));
  });
  for (const path of HUB_PAGE_PATHS) fastify.get(path, (_request, reply) => page(reply));
}
