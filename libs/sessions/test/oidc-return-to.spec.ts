import { hubReturnUrl } from '@app/sessions';

describe('hubReturnUrl: where a social sign-in from the hub may send its one-time code', () => {
  const publicUrl = 'https://accounts.example.com';

  it('takes a hub page as a path or as the full URL on PUBLIC_URL, and answers the absolute URL', () => {
    expect(hubReturnUrl('/hub/oidc', publicUrl)).toBe('https://accounts.example.com/hub/oidc');
    expect(hubReturnUrl('/hub', publicUrl)).toBe('https://accounts.example.com/hub');
    expect(hubReturnUrl('https://accounts.example.com/hub/oidc?next=billing', publicUrl)).toBe(
      'https://accounts.example.com/hub/oidc?next=billing',
    );
  });

  it.each([
    ['another origin', 'https://evil.example/hub/oidc'],
    ['another scheme of the same host', 'http://accounts.example.com/hub/oidc'],
    ['another port', 'https://accounts.example.com:8443/hub/oidc'],
    ['a look-alike host', 'https://accounts.example.com.evil.example/hub/oidc'],
    ['a scheme-relative URL', '//evil.example/hub/oidc'],
    ['a backslash, read as a slash by browsers', '/\\evil.example/hub/oidc'],
    ['credentials', 'https://user:secret@accounts.example.com/hub/oidc'],
    ['a script URL', 'javascript:alert(1)'],
    ['a path outside the hub', '/v1/me'],
    ['dot segments out of the hub', '/hub/../v1/me'],
    ['encoded dot segments', '/hub/%2e%2e/docs'],
    ['a prefix that is not the hub', '/hubby'],
    ['a fragment of its own', '/hub/oidc#code=planted'],
    ['a control character', '/hub/oidc\r\nSet-Cookie: x=1'],
    ['nothing', ''],
    ['more than 2,048 characters', `/hub/${'a'.repeat(2048)}`],
  ])('refuses %s', (_what, returnTo) => {
    expect(hubReturnUrl(returnTo, publicUrl)).toBeNull();
  });
});
