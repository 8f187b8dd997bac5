import type { ExistingAccount } from '@app/identity';
import { CliContext, CliError } from '../cli-command';

/** The account holding an email, folded from its stream (not a read model), or a refusal naming the email. */
export async function accountByEmail(context: CliContext, email: string | undefined): Promise<ExistingAccount> {
  if (!email) throw new CliError('name the account by its email', 2);
  const { AccountStates, normaliseEmail } = await import('@app/identity');
  const account = await context.app.get(AccountStates).findByEmail(normaliseEmail(email));
  if (!account) throw new CliError(`no account has the email ${normaliseEmail(email)}`);
  return account;
}
