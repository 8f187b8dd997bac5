import { KeyObject } from 'node:crypto';
import * as jwt from 'jsonwebtoken';
import { jwtKey } from '../src/derived-keys';

describe('jwtKey', () => {
  const secret = 'a-jwt-secret-of-at-least-32-characters-long';
  const claims = { sub: 'account', sid: 'session', iat: 1_700_000_000, exp: 4_000_000_000 };

  it('is the same HS256 key as the string: tokens signed before and after the change verify either way', () => {
    const key = jwtKey(secret);
    expect(key).toBeInstanceOf(KeyObject);
    const signedWithString = jwt.sign(claims, secret, { algorithm: 'HS256' });
    const signedWithKey = jwt.sign(claims, key, { algorithm: 'HS256' });
    expect(signedWithKey).toBe(signedWithString);
    expect(jwt.verify(signedWithString, key, { algorithms: ['HS256'] })).toMatchObject(claims);
    expect(jwt.verify(signedWithKey, secret, { algorithms: ['HS256'] })).toMatchObject(claims);
  });

  it('refuses a token signed with another secret', () => {
    const forged = jwt.sign(claims, jwtKey(`${secret}-other`), { algorithm: 'HS256' });
    expect(() => jwt.verify(forged, jwtKey(secret), { algorithms: ['HS256'] })).toThrow('invalid signature');
  });
});
