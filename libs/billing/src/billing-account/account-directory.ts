import { Injectable } from '@nestjs/common';
import { AccountStates } from '@app/identity';

/**
 * What billing needs to know of an account holder, through the accounts context's public entry: that
 * the account exists (billing staff name accounts by id) and where its mail goes (spending alerts).
 */
@Injectable()
export class AccountDirectory {
  constructor(private readonly accounts: AccountStates) {}

  async exists(accountId: string): Promise<boolean> {
    return (await this.accounts.load(accountId)).exists;
  }

  async emailOf(accountId: string): Promise<string | undefined> {
    const state = await this.accounts.load(accountId);
    return state.exists ? state.email : undefined;
  }
}
