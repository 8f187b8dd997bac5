import { ResolvedConfig } from '@app/config';
import { VerificationLinks } from '../src/verify-email/verification-links';

const config = { jwtSecret: 'j'.repeat(48), publicUrl: 'https://hub.example' } as ResolvedConfig;

describe('email verification links', () => {
  const links = new VerificationLinks(config);

  it('derives the same link every time for the same account and address (a retried mail job sends the same link)', () => {
    expect(links.link('a-1', 'ada@example.com')).toBe(links.link('a-1', 'ada@example.com'));
    expect(links.link('a-1', 'ada@example.com')).toMatch(/^https:\/\/hub\.example\/verify-email\?token=a-1\.[A-Za-z0-9_-]{43}$/);
  });

  it('accepts a token only for the account and address it was made for, under the same secret', () => {
    const token = links.token('a-1', 'ada@example.com');
    expect(links.accountIdOf(token)).toBe('a-1');
    expect(links.matches(token, 'a-1', 'ada@example.com')).toBe(true);
    expect(links.matches(token, 'a-1', 'new@example.com')).toBe(false);
    expect(links.matches(token, 'a-2', 'ada@example.com')).toBe(false);
    expect(new VerificationLinks({ ...config, jwtSecret: 'k'.repeat(48) }).matches(token, 'a-1', 'ada@example.com')).toBe(false);
    expect(links.accountIdOf('garbage')).toBeNull();
  });
});
