import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppConfig } from './config';

interface StoredSecrets {
  jwtSecret: string;
  dataEncryptionKey: string;
}

export type ResolvedConfig = AppConfig & { readonly jwtSecret: string; readonly dataEncryptionKey: string };

/**
 * On the embedded default the secrets are generated once into DATA_DIR/secrets.json (mode 0600), so a
 * restart keeps sessions and encrypted data readable. Production must configure them (loadConfig checks).
 */
export function resolveSecrets(config: AppConfig): ResolvedConfig {
  if (config.jwtSecret && config.dataEncryptionKey) return config as ResolvedConfig;
  const path = join(config.dataDir, 'secrets.json');
  let stored: StoredSecrets;
  if (existsSync(path)) {
    stored = JSON.parse(readFileSync(path, 'utf8')) as StoredSecrets;
  } else {
    mkdirSync(config.dataDir, { recursive: true });
    stored = { jwtSecret: randomBytes(48).toString('base64url'), dataEncryptionKey: randomBytes(32).toString('base64url') };
    writeFileSync(path, JSON.stringify(stored), { mode: 0o600, flag: 'wx' });
  }
  return {
    ...config,
    jwtSecret: config.jwtSecret ?? stored.jwtSecret,
    dataEncryptionKey: config.dataEncryptionKey ?? stored.dataEncryptionKey,
  };
}
