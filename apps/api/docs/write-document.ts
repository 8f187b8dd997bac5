import 'reflect-metadata';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, resolveSecrets } from '@app/config';
import { openRuntime } from '@app/core';
import pino from 'pino';
import { startApi } from '../bootstrap';
import { buildOpenApiDocument, openApiOptionsOf } from './openapi';

/**
 * Writes the OpenAPI document of the code as it is to the file named by the first argument, from an app
 * built in memory (PGlite, nothing listens), with fixed settings so the same code gives the same bytes.
 */
async function main(file: string): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'openapi-document-'));
  const config = resolveSecrets(
    loadConfig({
      DATA_DIR: dataDir,
      PUBLIC_URL: 'http://localhost:3000',
      JWT_SECRET: 'document-generation-only-secret-0123456789',
      DATA_ENCRYPTION_KEY: 'document-generation-only-key-0123456789abc',
    }),
  );
  const runtime = await openRuntime(config, pino({ level: 'silent' }), { inMemory: true });
  const started = await startApi(runtime, { listen: false });
  try {
    writeFileSync(file, `${JSON.stringify(buildOpenApiDocument(started.app, config.publicUrl, openApiOptionsOf(config)), null, 2)}\n`);
  } finally {
    await started.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main(process.argv[2]).catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack}\n`);
  process.exit(1);
});
