import { CliCommand, CliContext } from '../cli-command';
import { accountByEmail } from './account-lookup';

/** Every key of the account, page by page from the key listing (no key material is kept there). */
async function allKeys(context: CliContext, accountId: string) {
  const [{ QueryBus }, { ListApiKeysQuery }] = await Promise.all([import('@nestjs/cqrs'), import('@app/api-keys')]);
  const queries = context.app.get(QueryBus);
  const keys = [];
  let cursor: string | undefined;
  do {
    const page = await queries.execute(new ListApiKeysQuery(accountId, { cursor, limit: 100 }));
    keys.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return keys;
}

export const accountsShow: CliCommand = {
  name: ['accounts', 'show'],
  arguments: '<email>',
  summary: 'status, roles, second factors and API keys of an account (no secret, no key material)',
  opensRuntime: true,
  async run([email], context?: CliContext) {
    const [{ effectiveRoles }, { MfaStates, recoveryCodesRemaining }] = await Promise.all([import('@app/identity'), import('@app/mfa')]);
    const account = await accountByEmail(context!, email);
    const mfa = await context!.app.get(MfaStates).load(account.accountId);
    const keys = await allKeys(context!, account.accountId);
    const data = {
      accountId: account.accountId,
      email: account.email,
      emailVerified: account.emailVerified,
      status: account.status,
      createdAt: account.createdAt,
      roles: effectiveRoles(account, context!.runtime.config.bootstrapAdminEmail),
      signInMethods: [
        ...(account.passwordHashSealed ? ['password'] : []),
        ...account.identities.map((identity) => `oidc:${identity.provider}`),
      ],
      factors: mfa.factors.map(({ factorId, type, nickname, createdAt, lastUsedAt }) => ({
        factorId,
        type,
        nickname,
        createdAt,
        lastUsedAt,
      })),
      recoveryCodesRemaining: recoveryCodesRemaining(mfa),
      apiKeys: keys.map(({ id, name, prefix, status, scopes, createdAt, lastUsedAt, expiresAt }) => ({
        id,
        name,
        prefix,
        status,
        scopes,
        createdAt,
        lastUsedAt,
        expiresAt,
      })),
    };
    const text = [
      `${data.email} (${data.accountId})`,
      `  status: ${data.status}, email ${data.emailVerified ? 'verified' : 'not verified'}, created ${data.createdAt}`,
      `  roles: ${data.roles.join(', ') || '(none)'}`,
      `  sign-in: ${data.signInMethods.join(', ') || '(none)'}`,
      `  second factors: ${data.factors.map((f) => `${f.type} "${f.nickname}"`).join(', ') || '(none)'}; recovery codes left: ${data.recoveryCodesRemaining}`,
      `  API keys: ${data.apiKeys.length === 0 ? '(none)' : ''}`,
      ...data.apiKeys.map((key) => `    ${key.prefix}  ${key.status.padEnd(7)}  ${key.name}  [${key.scopes.join(', ')}]`),
    ].join('\n');
    return { data, text };
  },
};
