import { InProcessJobQueue } from '@app/messaging';
import { TestApp } from '@app/test-app';

/** Letters in runs of two at most: no dictionary word can hide in it. */
export const PASSWORD = 'Xq7#Vb2!Lp9$Zr4&';
export const ORIGIN = 'http://localhost:3000';
export const RP_ID = 'localhost';

export interface Holder {
  readonly accountId: string;
  readonly email: string;
  token: string;
}

/** The in-process queue, keeping every payload it was given: the secret scan reads them. */
export class RecordingJobQueue extends InProcessJobQueue {
  readonly payloads: unknown[] = [];

  override async enqueue<P>(...args: Parameters<InProcessJobQueue['enqueue']>): Promise<void> {
    this.payloads.push(args[2] as P);
    return super.enqueue(...args);
  }
}

export function mfaClient(app: TestApp) {
  return {
    login(email: string, password = PASSWORD) {
      return app.inject({ method: 'POST', url: '/v1/auth/login', payload: { email, password } });
    },
    async signIn(email: string): Promise<string> {
      const response = await this.login(email);
      if (response.statusCode !== 200 || !response.json().accessToken)
        throw new Error(`sign-in of ${email}: ${response.statusCode} ${response.body}`);
      return response.json<{ accessToken: string }>().accessToken;
    },
    async signUp(email: string): Promise<Holder> {
      const registered = await app.inject({ method: 'POST', url: '/v1/accounts', payload: { email, password: PASSWORD } });
      if (registered.statusCode !== 201) throw new Error(`registration of ${email}: ${registered.statusCode} ${registered.body}`);
      return { accountId: registered.json<{ accountId: string }>().accountId, email, token: await this.signIn(email) };
    },
    me(token: string) {
      return app.inject({ method: 'GET', url: '/v1/me', token });
    },
    overview(holder: Holder) {
      return app.inject({ method: 'GET', url: '/v1/me/mfa', token: holder.token });
    },
    enrolTotp(holder: Holder, payload: unknown = {}) {
      return app.inject({ method: 'POST', url: '/v1/me/mfa/totp', token: holder.token, payload });
    },
    confirmTotp(holder: Holder, factorId: string, code: unknown) {
      return app.inject({ method: 'POST', url: `/v1/me/mfa/totp/${factorId}/verify`, token: holder.token, payload: { code } });
    },
    webauthnOptions(holder: Holder) {
      return app.inject({ method: 'POST', url: '/v1/me/mfa/webauthn/options', token: holder.token });
    },
    registerWebauthn(holder: Holder, response: unknown, nickname: unknown = 'YubiKey 5C') {
      return app.inject({ method: 'POST', url: '/v1/me/mfa/webauthn', token: holder.token, payload: { response, nickname } });
    },
    removeFactor(holder: Holder, factorId: string) {
      return app.inject({ method: 'DELETE', url: `/v1/me/mfa/${factorId}`, token: holder.token });
    },
    regenerateCodes(holder: Holder) {
      return app.inject({ method: 'POST', url: '/v1/me/mfa/recovery-codes', token: holder.token });
    },
    /** Every event of the MFA stream of an account. */
    async mfaEvents(holder: Holder) {
      return app.runtime.eventStore.readStream(`mfa-${holder.accountId}`);
    },
  };
}
