import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** A database of its own on the server of `serverUrl`, named `<prefix>_<random>`; `drop()` removes it. */
export async function throwawayDatabase(serverUrl, prefix) {
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Pool({ connectionString: serverUrl, max: 1 });
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    },
  };
}

/** `run(url)` on a throwaway database of the server of `serverUrl`, dropped afterwards whatever happens. */
export async function withThrowawayDatabase(serverUrl, prefix, run) {
  const database = await throwawayDatabase(serverUrl, prefix);
  try {
    return await run(database.url);
  } finally {
    await database.drop();
  }
}
