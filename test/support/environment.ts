/**
 * Suites that need a server run only when its URL is set, and say so in their title otherwise; the
 * summary reporter lists every skipped suite with that reason.
 */
export function describeWithEnv(variable: string, title: string, body: (value: string) => void): void {
  const value = process.env[variable];
  if (value) {
    describe(title, () => body(value));
  } else {
    describe.skip(`${title} [skipped: ${variable} is not set]`, () => body(''));
  }
}

export const databaseUrl = (): string | undefined => process.env.DATABASE_URL || undefined;
export const redisUrl = (): string | undefined => process.env.REDIS_URL || undefined;
