import { ResolvedConfig } from '@app/config';
import { PasswordResetLinks } from '../src/request-password-reset/password-reset-links';

const config = { jwtSecret: 'j'.repeat(48), publicUrl: 'https://hub.example' } as ResolvedConfig;
const accountId = '0b0c7f0e-3a8e-4f59-9d0e-6a1f2c3d4e5f';
const requestId = '5e4d3c2b-1a0f-4e9d-8c7b-6a5f4e3d2c1b';

describe('password reset links', () => {
  const links = new PasswordResetLinks(config);

  it('derives the same base64url link every time for the same request (a retried mail job sends the same link)', () => {
    const link = links.link(accountId, requestId, 'ada@example.com');
    expect(link).toBe(links.link(accountId, requestId, 'ada@example.com'));
    expect(link).toMatch(/^https:\/\/hub\.example\/reset-password\?token=[A-Za-z0-9_-]+$/);
  });

  it('names its account and request, and matches only them, the address it was made for, and the same secret', () => {
    const token = links.token(accountId, requestId, 'ada@example.com');
    const ids = links.idsOf(token)!;
    expect(ids).toEqual({ accountId, requestId });
    expect(links.matches(token, ids, 'ada@example.com')).toBe(true);
    expect(links.matches(token, ids, 'new@example.com')).toBe(false);
    expect(links.matches(token, { accountId, requestId: 'another-request' }, 'ada@example.com')).toBe(false);
    expect(new PasswordResetLinks({ ...config, jwtSecret: 'k'.repeat(48) }).matches(token, ids, 'ada@example.com')).toBe(false);
  });

  it('refuses what is not a token: garbage, other characters, a cut or an extended token', () => {
    const token = links.token(accountId, requestId, 'ada@example.com');
    for (const bad of [
      '',
      'garbage',
      `${token}=`,
      `${token}.x`,
      token.slice(0, 40),
      Buffer.from('a.b').toString('base64url'),
      'x'.repeat(300),
    ]) {
      expect(links.idsOf(bad)).toBeNull();
    }
  });

  it("reads only the canonical spelling of a token's bytes (Node's base64url decoder ignores spare bits)", () => {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    // 35 bytes: the last of 47 characters carries 2 spare bits, zero in the canonical spelling.
    const canonical = Buffer.concat([Buffer.from('a.b'), Buffer.alloc(32, 7)]).toString('base64url');
    const spare = canonical.slice(0, -1) + alphabet[alphabet.indexOf(canonical.at(-1)!) + 1];
    expect(Buffer.from(spare, 'base64url')).toEqual(Buffer.from(canonical, 'base64url'));
    expect(links.idsOf(canonical)).toEqual({ accountId: 'a', requestId: 'b' });
    expect(links.idsOf(spare)).toBeNull();
  });
});
