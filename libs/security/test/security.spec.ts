import { constantTimeEquals, PasswordHasher, SecretBox } from '@app/security';

describe('secret box', () => {
  const box = new SecretBox('k'.repeat(40));

  it('opens what it sealed, and the sealed form does not contain the plaintext', () => {
    const sealed = box.seal('$2b$12$abcdefghijklmnopqrstuv');
    expect(sealed).not.toContain('abcdefghijklmnop');
    expect(box.open(sealed)).toBe('$2b$12$abcdefghijklmnopqrstuv');
  });

  it('refuses a sealed value that was altered or sealed under another key', () => {
    const sealed = box.seal('secret');
    const parts = sealed.split('.');
    parts[2] = Buffer.from('tampered').toString('base64url');
    expect(() => box.open(parts.join('.'))).toThrow();
    expect(() => new SecretBox('o'.repeat(40)).open(sealed)).toThrow();
  });
});

describe('password hasher', () => {
  const hasher = new PasswordHasher(4);

  it('verifies the right password and refuses a wrong-case one', async () => {
    const hash = await hasher.hash('Correct-Horse-9-Battery');
    await expect(hasher.verify('Correct-Horse-9-Battery', hash)).resolves.toBe(true);
    await expect(hasher.verify('correct-horse-9-battery', hash)).resolves.toBe(false);
  });

  it('counts every character past bcrypt’s 72-byte limit', async () => {
    const base = 'A1!' + 'x'.repeat(80);
    const hash = await hasher.hash(`${base}one`);
    await expect(hasher.verify(`${base}two`, hash)).resolves.toBe(false);
    await expect(hasher.verify(`${base}one`, hash)).resolves.toBe(true);
  });

  it('uses the configured cost', async () => {
    expect(await new PasswordHasher(5).hash('x')).toMatch(/^\$2b\$05\$/);
  });
});

describe('constant-time comparison', () => {
  it('tells equal from different strings of any length', () => {
    expect(constantTimeEquals('token-a', 'token-a')).toBe(true);
    expect(constantTimeEquals('token-a', 'token-ab')).toBe(false);
  });
});
