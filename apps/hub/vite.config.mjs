// The hub's build (npm run build, after the server's swc pass): Preact, served by the api under /hub/.
// Nothing is inlined (no data: URIs, no inline script or style) so the page runs under the service's
// CSP `default-src 'self'`.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  base: '/hub/',
  // The typed client generated from the API reference (npm run client:generate), as the hub's tsconfig maps it.
  resolve: { alias: { '@app/client': fileURLToPath(new URL('../../libs/client/src/index.ts', import.meta.url)) } },
  logLevel: 'warn',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: fileURLToPath(new URL('../../dist/hub', import.meta.url)),
    emptyOutDir: true,
    assetsInlineLimit: 0,
    cssCodeSplit: false,
    modulePreload: { polyfill: false },
    target: 'es2022',
  },
});
