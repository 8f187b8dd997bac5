import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { AppConfig, ConfigError, loadConfig } from '@app/config';
import { CliCommand, CliError } from '../cli-command';

const MASK = '[set, masked]';

/** A URL with its password (and a token-looking query) replaced, so a printed configuration leaks nothing. */
function maskUrl(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  try {
    const url = new URL(value);
    if (url.password) url.password = 'masked';
    for (const key of [...url.searchParams.keys()]) if (/pass|secret|token|key/i.test(key)) url.searchParams.set(key, 'masked');
    return url.toString();
  } catch {
    return MASK;
  }
}

function masked(config: AppConfig): Record<string, unknown> {
  const secretsFile = join(config.dataDir, 'secrets.json');
  const embeddedSecret = existsSync(secretsFile) ? `[in ${secretsFile}]` : `[generated into ${secretsFile} on first start]`;
  return {
    ...config,
    databaseUrl: maskUrl(config.databaseUrl),
    eventStoreConnectionString: maskUrl(config.eventStoreConnectionString),
    redisUrl: maskUrl(config.redisUrl),
    mailUrl: maskUrl(config.mailUrl),
    jwtSecret: config.jwtSecret ? MASK : embeddedSecret,
    dataEncryptionKey: config.dataEncryptionKey ? MASK : embeddedSecret,
    platformServiceTokens: config.platformServiceTokens.map(() => MASK),
    metricsToken: config.metricsToken ? MASK : undefined,
    oidcProviders: config.oidcProviders.map((provider) => ({ ...provider, clientSecret: MASK })),
  };
}

export const configCheck: CliCommand = {
  name: ['config', 'check'],
  arguments: '',
  summary: 'validate the environment and print the resolved configuration, secrets masked (opens nothing)',
  opensRuntime: false,
  async run() {
    let config: AppConfig;
    try {
      config = loadConfig(process.env);
    } catch (error) {
      if (error instanceof ConfigError) throw new CliError(error.message);
      throw error;
    }
    const shown = masked(config);
    const width = Math.max(...Object.keys(shown).map((key) => key.length));
    const text = Object.entries(shown)
      .filter(([, value]) => value !== undefined)
      .map(([key, value]) => `${key.padEnd(width)}  ${typeof value === 'string' ? value : JSON.stringify(value)}`)
      .join('\n');
    return { data: { valid: true, config: shown }, text: `configuration is valid (${config.mode})\n${text}` };
  },
};
