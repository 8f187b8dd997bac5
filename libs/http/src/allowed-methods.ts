import FindMyWay from 'find-my-way';

/**
 * The methods each known path accepts, from the routes as they are registered, so that a known path
 * called with another method is 405 with `Allow` (and `OPTIONS` 204 with `Allow`) instead of 404.
 */
export class AllowedMethods {
  private readonly router = FindMyWay({ ignoreTrailingSlash: false, maxParamLength: Number.MAX_SAFE_INTEGER });
  private readonly methods = new Set<string>();

  add(method: string, url: string): void {
    if (method === 'OPTIONS' || this.router.hasRoute(method as FindMyWay.HTTPMethod, url)) return;
    this.router.on(method as FindMyWay.HTTPMethod, url, () => undefined);
    this.methods.add(method);
  }

  /** `Allow` for the path (without query), or undefined when no route has that path. */
  allowFor(path: string): string | undefined {
    const found: string[] = [];
    for (const method of this.methods) {
      if (this.router.find(method as FindMyWay.HTTPMethod, path) !== null) found.push(method);
    }
    if (found.length === 0) return undefined;
    if (found.includes('GET') && !found.includes('HEAD')) found.push('HEAD');
    found.push('OPTIONS');
    return found.join(', ');
  }
}
