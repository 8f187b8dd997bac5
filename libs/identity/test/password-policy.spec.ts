import { checkPasswordPolicy, commonWordMatcher, defaultPasswordPolicy, DictionaryMatcher } from '@app/identity';

const policy = defaultPasswordPolicy();
const email = 'grace.hopper@example.com';
const check = (password: string, context = { email }) => checkPasswordPolicy(password, context, policy);

describe('password policy', () => {
  it('accepts a strong password', () => {
    expect(check('Xq7#vLp2!mZk9w')).toEqual([]);
  });

  it.each([
    ['too_short', 'Xq7#vLp2!mZ'],
    ['too_long', `Xq7#vLp2!mZk${'9w'.repeat(60)}`],
    ['no_uppercase', 'xq7#vlp2!mzk9w'],
    ['no_lowercase', 'XQ7#VLP2!MZK9W'],
    ['no_digit', 'Xqh#vLpz!mZkqw'],
    ['no_special', 'Xq7xvLp2fmZk9w'],
    ['contains_email', 'Xq7#GRACE.HOPPER@EXAMPLE.COM!'],
    ['contains_email', 'Xq7#vL-grace.hopper-9'],
    ['dictionary_word', 'Xq7#vLp2!Monkey9'],
    ['dictionary_word', 'Xq7#vLp2!PASSWORD'],
  ])('rejects a counter-example of %s', (violation, password) => {
    expect(check(password)).toContain(violation);
  });

  it('lists every rule broken, not just the first', () => {
    expect(check('password')).toEqual(['too_short', 'no_uppercase', 'no_digit', 'no_special', 'dictionary_word']);
  });

  it('counts every character: 128 pass, 129 do not, and characters beyond bcrypt’s 72 bytes still count', () => {
    const base = 'Xq7#vLp2!mZk9w';
    const at = (length: number) => (base + 'Qz5!'.repeat(40)).slice(0, length);
    expect(check(at(128))).toEqual([]);
    expect(check(at(129))).toEqual(['too_long']);
    expect(check('é'.repeat(6) + 'Xq7#vL')).toEqual([]);
  });

  it('ignores a local part of fewer than 3 characters, but not the whole address', () => {
    expect(check('Xq7#jo-vLp2!mZk', { email: 'jo@qzx.io' })).toEqual([]);
    expect(check('Xq7#vL-jo@qzx.io', { email: 'jo@qzx.io' })).toEqual(['contains_email']);
  });

  it('finds dictionary words case-insensitively anywhere, from 4 letters on', () => {
    const matcher = new DictionaryMatcher(['monkey', 'abc', 'password1', 'qwe', '123456']);
    expect(matcher.findWordIn('xxMoNkEyxx')).toBe('monkey');
    expect(matcher.findWordIn('xxPassWordxx')).toBe('password');
    expect(matcher.findWordIn('abc-qwe-123456')).toBeUndefined();
  });

  it('uses the package word lists: common passwords and common English words', () => {
    const words = commonWordMatcher();
    expect(words.size).toBeGreaterThan(50_000);
    expect(words.findWordIn('xDRAGONx')).toBeDefined();
    expect(words.findWordIn('XXletmeinXX')).toBeDefined();
    expect(words.findWordIn('Xq7#vLp2!mZk9w')).toBeUndefined();
  });
});
