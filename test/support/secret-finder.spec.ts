import { SecretFinder } from './secret-finder';

describe('SecretFinder', () => {
  const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhIn0.c2lnbmF0dXJlLXRoYXQtaXMtbG9uZw';
  const key = 'mmx_3kTmQ9vXw2LpZr8YhN4bJc7sFg1Dt5Ue6aKo0W';
  const password = 'Xq7#vLp2!mZk9w';

  function finder(): SecretFinder {
    const secrets = new SecretFinder();
    secrets.add('accessToken', jwt);
    secrets.add('apiKey', key);
    secrets.add('password', password);
    secrets.add('ignored', 42);
    return secrets;
  }

  it('finds a token in JSON, a key inside a longer run of token characters and a password with punctuation', () => {
    const text = `{"authorization":"Bearer ${jwt}"}\nprefix-x${key}-suffix\npassword=${password};`;
    expect(finder().findIn('logs', text).sort()).toEqual(['accessToken in logs', 'apiKey in logs', 'password in logs']);
    expect(finder().size).toBe(3);
  });

  it('finds nothing when only parts of the secrets occur', () => {
    const text = `${jwt.slice(0, -1)} ${key.slice(1)} ${key.slice(0, 25)} ${password.slice(0, -1)}`;
    expect(finder().findIn('rows', text)).toEqual([]);
  });
});
