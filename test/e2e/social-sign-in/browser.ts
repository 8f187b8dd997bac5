import { InjectResponse, TestApp } from '@app/test-app';

interface StoredCookie {
  readonly host: string;
  readonly path: string;
  readonly name: string;
  readonly value: string;
}

/** Just enough of a browser's cookie store: host-only cookies, Path prefix matching, Max-Age=0 deletes. */
export class CookieJar {
  private cookies: StoredCookie[] = [];

  store(url: URL, setCookie: unknown): void {
    const lines = Array.isArray(setCookie) ? setCookie.map(String) : typeof setCookie === 'string' ? [setCookie] : [];
    for (const line of lines) {
      const [pair, ...attributes] = line.split(';').map((part) => part.trim());
      const name = pair.slice(0, pair.indexOf('='));
      const value = pair.slice(pair.indexOf('=') + 1);
      const attribute = (key: string) => attributes.find((a) => a.toLowerCase().startsWith(`${key}=`))?.slice(key.length + 1);
      const path = attribute('path') ?? url.pathname.replace(/\/[^/]*$/, '/');
      this.cookies = this.cookies.filter((c) => !(c.host === url.host && c.path === path && c.name === name));
      if (attribute('max-age') !== '0') this.cookies.push({ host: url.host, path, name, value });
    }
  }

  header(url: URL): string {
    return this.cookies
      .filter(
        (c) => c.host === url.host && (url.pathname === c.path || url.pathname.startsWith(c.path.endsWith('/') ? c.path : `${c.path}/`)),
      )
      .map((c) => `${c.name}=${c.value}`)
      .join('; ');
  }

  /** What a `Set-Cookie` header said, by cookie name, for assertions. */
  static attributesOf(setCookie: unknown): string {
    return Array.isArray(setCookie) ? setCookie.join('\n') : String(setCookie);
  }
}

export interface AtProvider {
  /** The provider subject who signs in at the provider's login page. */
  readonly as?: string;
  /** The user refuses at the provider. */
  readonly deny?: boolean;
}

/**
 * A browser over plain HTTP: the app through `app.inject` (origin `publicUrl`), the provider through
 * fetch on loopback, one cookie jar for both, redirects followed by hand.
 */
export class Browser {
  readonly jar = new CookieJar();

  constructor(
    private readonly app: TestApp,
    private readonly publicUrl = 'http://localhost:3000',
  ) {}

  /** A request to the app as this browser (its cookies go along; those it sets are kept). */
  async visitApp(pathAndQuery: string, init: { method?: 'GET' | 'POST'; token?: string } = {}): Promise<InjectResponse> {
    const url = new URL(pathAndQuery, this.publicUrl);
    const cookie = this.jar.header(url);
    const response = await this.app.inject({
      method: init.method ?? 'GET',
      url: `${url.pathname}${url.search}`,
      token: init.token,
      headers: cookie ? { cookie } : {},
    });
    this.jar.store(url, response.headers['set-cookie']);
    return response;
  }

  /** Follows the provider's redirects and pages until it sends the browser back to the app; returns that URL. */
  async atProvider(authorizationUrl: string, user: AtProvider): Promise<string> {
    let next = new URL(authorizationUrl);
    for (let hop = 0; hop < 20; hop++) {
      if (next.href.startsWith(this.publicUrl)) return next.href;
      const onInteractionPage = next.pathname.startsWith('/interaction/');
      const form: Record<string, string> = user.deny ? { deny: '1' } : { login: user.as ?? '' };
      const response = await fetch(next, {
        method: onInteractionPage ? 'POST' : 'GET',
        redirect: 'manual',
        headers: { cookie: this.jar.header(next), ...(onInteractionPage ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
        body: onInteractionPage ? new URLSearchParams(form).toString() : undefined,
      });
      this.jar.store(next, response.headers.getSetCookie());
      const location = response.headers.get('location');
      if (!location) throw new Error(`the provider answered ${response.status} at ${next.pathname}: ${await response.text()}`);
      await response.arrayBuffer();
      next = new URL(location, next);
    }
    throw new Error('too many redirects at the provider');
  }

  /** The whole round trip: the app's start (`returnTo`: as the hub starts it), the provider, the app's callback. */
  async signIn(user: AtProvider, provider = 'loopback', returnTo?: string): Promise<InjectResponse> {
    const query = returnTo === undefined ? '' : `?${new URLSearchParams({ returnTo })}`;
    const start = await this.visitApp(`/v1/auth/oidc/${provider}/start${query}`);
    if (start.statusCode !== 302) throw new Error(`start answered ${start.statusCode}: ${start.body}`);
    return this.visitApp(await this.atProvider(String(start.headers.location), user));
  }
}
