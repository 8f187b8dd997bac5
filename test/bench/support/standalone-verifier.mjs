// The built KeyVerifier (from dist/) on an in-memory PGlite store with `keyCount` freshly issued keys:
// the verifier without any HTTP in front of it, for the in-process rate and the raw node:http reference.
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const require = createRequire(import.meta.url);

export async function standaloneVerifier(keyCount, scopes) {
  const { PGliteDatabase } = require(join(root, 'dist/libs/database/src/index.js'));
  const { PostgresEventStore } = require(join(root, 'dist/libs/event-store-pg/src/index.js'));
  const { CommandRunner, EventCatalog, systemClock, systemContext } = require(join(root, 'dist/libs/ddd/src/index.js'));
  const api = require(join(root, 'dist/libs/api-keys/src/index.js'));
  const db = await PGliteDatabase.open();
  const store = await PostgresEventStore.create(db);
  const runner = new CommandRunner(store, new EventCatalog().register(api.apiKeyEventVersions));
  const lastUsed = new api.LastUsedBuffer(db);
  await lastUsed.start();
  const verifier = new api.KeyVerifier({
    store,
    clock: systemClock,
    lastUsed,
    policies: new api.KeyVerificationPolicies(),
    supportEmail: 'support@example.com',
  });
  await verifier.start();
  const keys = [];
  for (let i = 0; i < keyCount; i++) {
    const issued = api.issueApiKey();
    const now = new Date();
    await runner.run(
      api.apiKeyStream(issued.keyId),
      api.apiKeyDecider,
      {
        kind: 'CreateApiKey',
        keyId: issued.keyId,
        accountId: 'bench-account',
        name: 'bench',
        prefix: issued.prefix,
        hash: issued.hash,
        scopes,
        expiresAt: null,
        rotatedFrom: null,
        allowedScopes: ['chat', 'video', 'models'],
        now,
      },
      systemContext('bench'),
      { accountId: 'bench-account', occurredAt: now },
    );
    keys.push(issued.key);
  }
  return {
    verifier,
    keys,
    async close() {
      await verifier.stop();
      await lastUsed.stop();
      await store.close();
      await db.close();
    },
  };
}
