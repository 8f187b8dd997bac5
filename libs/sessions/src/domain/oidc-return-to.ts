/** The hub's pages: the only place a social sign-in may send the browser back to with its one-time code. */
export const HUB_PATH = '/hub';
const MAX_RETURN_TO_LENGTH = 2048;

/**
 * Where `start?returnTo=` may send the browser after the round trip: a page of the hub on PUBLIC_URL's
 * origin, given as a path (`/hub/oidc`) or as the full URL. Anything else is null (the caller answers
 * 400): another origin, a scheme-relative `//host` or `/\host` (browsers read both as another host),
 * credentials in the URL, a path outside the hub, a fragment (the code goes there), control characters.
 * The answer is the absolute URL to redirect to, so the check and the redirect read the same string.
 */
export function hubReturnUrl(returnTo: string, publicUrl: string): string | null {
  if (returnTo.length === 0 || returnTo.length > MAX_RETURN_TO_LENGTH || /[\u0000-\u001f\u007f\\#]/.test(returnTo)) return null;
  const origin = new URL(publicUrl).origin;
  const isPath = returnTo.startsWith('/') && !returnTo.startsWith('//');
  if (!isPath && !returnTo.startsWith(`${origin}/`)) return null;
  let url: URL;
  try {
    url = new URL(returnTo, origin);
  } catch {
    return null;
  }
  if (url.origin !== origin || url.username !== '' || url.password !== '') return null;
  if (url.pathname !== HUB_PATH && !url.pathname.startsWith(`${HUB_PATH}/`)) return null;
  // `/hub/../v1/...` is normalised by URL: the check above is on the resolved path, not the raw text.
  return url.href;
}
