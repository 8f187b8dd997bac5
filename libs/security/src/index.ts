export { SecretBox } from './secret-box';
export { PasswordHasher } from './password-hasher';
export { constantTimeEquals, randomToken, sha256Hex } from './tokens';
