import { generateKeyPairSync } from 'node:crypto';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import Provider, { Configuration, KoaContextWithOIDC } from 'oidc-provider';

export interface ProviderUser {
  readonly email?: string;
  readonly email_verified?: boolean;
}

export interface LoopbackProviderOptions {
  /** The app's callbacks: the client's registered redirect URIs. */
  readonly redirectUris: readonly string[];
  /**
   * false: scope claims go into the ID token too. true (oidc-provider's default, OIDC Core 5.4): only
   * the userinfo endpoint has them when an access token is issued.
   */
  readonly conformIdTokenClaims?: boolean;
}

export interface LoopbackOidcProvider {
  readonly issuer: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** The provider's accounts, by subject. */
  readonly users: Map<string, ProviderUser>;
  close(): Promise<void>;
}

const IN_MEMORY_ADAPTER_WARNING = /oidc-provider WARNING: a quick start development-only in-memory adapter/;

/**
 * A real OpenID provider (`oidc-provider`) on 127.0.0.1 and a random port, so the issuer is
 * `http://127.0.0.1:<port>`. One confidential client (client_secret_post) whose redirect URIs are the
 * app's callbacks; accounts in memory with `email` and `email_verified`. Login and consent are the
 * provider's interaction pages, finished programmatically: POST `/interaction/<uid>` with `login=<subject>`
 * signs that user in (and consents), `deny=1` aborts with `access_denied`, as a user would at a real provider.
 */
export async function startLoopbackOidcProvider(options: LoopbackProviderOptions): Promise<LoopbackOidcProvider> {
  let provider: Provider | undefined;
  const server: Server = createServer((request, response) => {
    if (!provider) return void response.writeHead(503).end();
    if (request.url?.startsWith('/interaction/')) return void interact(provider, request, response);
    return void provider.callback()(request, response);
  });
  // The app's discovery and the test's browser share Node's fetch connection pool: with the default 5 s,
  // a loaded machine lets the server close an idle connection just as the next request reuses it
  // (ECONNRESET on the first round trip). Idle connections stay open for the length of a test instead.
  server.keepAliveTimeout = 120_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const users = new Map<string, ProviderUser>();
  const clientId = 'account-service';
  const clientSecret = 'loopback-client-secret-0123456789abcdef';
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });

  const configuration: Configuration = {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: [...options.redirectUris],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_post',
      },
    ],
    pkce: { required: () => true },
    claims: { openid: ['sub'], email: ['email', 'email_verified'] },
    conformIdTokenClaims: options.conformIdTokenClaims ?? true,
    findAccount: async (_ctx: KoaContextWithOIDC, subject: string) => {
      const user = users.get(subject);
      return user ? { accountId: subject, claims: async () => ({ sub: subject, ...user }) } : undefined;
    },
    features: { devInteractions: { enabled: false } },
    interactions: { url: async (_ctx, interaction) => `/interaction/${interaction.uid}` },
    jwks: { keys: [{ ...privateKey.export({ format: 'jwk' }), kid: 'loopback-1', alg: 'RS256', use: 'sig' }] as never },
    cookies: { keys: ['loopback-cookie-key-0123456789'] },
    ttl: { AccessToken: 600, AuthorizationCode: 60, IdToken: 600, Interaction: 600, Session: 3600, Grant: 3600 },
  };
  // In-memory storage is what a test provider should use. (Its "Unsupported runtime" warning, printed when
  // the package loads, stays visible: oidc-provider 9 asks for Node 22; it runs these tests on Node 20.20.)
  const warn = console.warn;
  console.warn = (message?: unknown, ...rest: unknown[]) => {
    if (!IN_MEMORY_ADAPTER_WARNING.test(String(message))) warn(message, ...rest);
  };
  try {
    provider = new Provider(issuer, configuration);
  } finally {
    console.warn = warn;
  }

  return {
    issuer,
    clientId,
    clientSecret,
    users,
    close: () => new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}

async function readForm(request: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

/** The provider's login page, for a real browser: a form that posts the subject back to the interaction URL. */
const LOGIN_PAGE = `<!doctype html><html lang="en"><head><title>Loopback provider</title></head><body><main>
<h1>Sign in at the loopback provider</h1>
<form method="post"><label>Subject <input name="login" autocomplete="username"></label><button type="submit">Continue</button></form>
</main></body></html>`;

/** The provider's login and consent "pages": what the user submits there, finished through the provider's API. */
async function interact(provider: Provider, request: IncomingMessage, response: ServerResponse): Promise<void> {
  try {
    const details = await provider.interactionDetails(request, response);
    const form = request.method === 'POST' ? await readForm(request) : new URLSearchParams();
    if (form.get('deny') === '1') {
      await provider.interactionFinished(
        request,
        response,
        { error: 'access_denied', error_description: 'The user said no' },
        { mergeWithLastSubmission: false },
      );
      return;
    }
    if (details.prompt.name === 'login') {
      const subject = form.get('login');
      if (!subject) return void response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(LOGIN_PAGE);
      await provider.interactionFinished(request, response, { login: { accountId: subject } }, { mergeWithLastSubmission: false });
      return;
    }
    const grant = details.grantId
      ? await provider.Grant.find(details.grantId)
      : new provider.Grant({ accountId: details.session!.accountId, clientId: String(details.params.client_id) });
    const missing = details.prompt.details as { missingOIDCScope?: string[]; missingOIDCClaims?: string[] };
    if (missing.missingOIDCScope) grant!.addOIDCScope(missing.missingOIDCScope.join(' '));
    if (missing.missingOIDCClaims) grant!.addOIDCClaims(missing.missingOIDCClaims);
    await provider.interactionFinished(request, response, { consent: { grantId: await grant!.save() } }, { mergeWithLastSubmission: true });
  } catch (error) {
    response.writeHead(500, { 'content-type': 'text/plain' }).end(String(error));
  }
}
