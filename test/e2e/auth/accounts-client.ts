import { TestApp } from '@app/test-app';

/** A strong password under the default policy (no 4-letter dictionary word, every class). */
export const STRONG_PASSWORD = 'Xq7#vLp2!mZk9w';

export interface Tokens {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
}

/** What a client of the contract does, in one line each, for the auth and accounts e2e suites. */
export function accountsClient(app: TestApp) {
  return {
    async register(email: string, password = STRONG_PASSWORD): Promise<string> {
      const response = await app.inject({ method: 'POST', url: '/v1/accounts', payload: { email, password } });
      if (response.statusCode !== 201) throw new Error(`registration failed: ${response.statusCode} ${response.body}`);
      return response.json<{ accountId: string }>().accountId;
    },
    login(email: string, password = STRONG_PASSWORD, headers: Record<string, string> = {}) {
      return app.inject({ method: 'POST', url: '/v1/auth/login', payload: { email, password }, headers });
    },
    async signIn(email: string, password = STRONG_PASSWORD): Promise<Tokens> {
      const response = await this.login(email, password);
      if (response.statusCode !== 200) throw new Error(`sign-in failed: ${response.statusCode} ${response.body}`);
      return response.json<Tokens>();
    },
    me(token: string) {
      return app.inject({ method: 'GET', url: '/v1/me', token });
    },
    refresh(refreshToken: string) {
      return app.inject({ method: 'POST', url: '/v1/auth/refresh', payload: { refreshToken } });
    },
    /** The token of the verification link mailed to `email` (waits for the reaction and the mail job). */
    async verificationToken(email: string): Promise<string> {
      await app.settle();
      const [mail] = app.mailer.to(email);
      const match = /\/verify-email\?token=([^\s"<]+)/.exec(mail?.text ?? '');
      if (!match) throw new Error(`no verification link mailed to ${email}`);
      return decodeURIComponent(match[1]);
    },
    async verifyEmail(email: string): Promise<void> {
      const token = await this.verificationToken(email);
      const response = await app.inject({ method: 'POST', url: '/v1/accounts/verify-email', payload: { token } });
      if (response.statusCode !== 204) throw new Error(`verification failed: ${response.statusCode} ${response.body}`);
    },
  };
}
