import { Injectable } from '@nestjs/common';
import { AccountStates } from '@app/identity';

/** What this context needs to know of an account: the address it is shown as and mailed at. */
export abstract class MfaAccountDirectory {
  /** null for an account that does not exist (or no longer does). */
  abstract emailOf(accountId: string): Promise<string | null>;
}

/** Reads the identity context's consistent account state (its public entry). */
@Injectable()
export class AccountStatesDirectory extends MfaAccountDirectory {
  constructor(private readonly accounts: AccountStates) {
    super();
  }

  async emailOf(accountId: string): Promise<string | null> {
    const state = await this.accounts.load(accountId);
    return state.exists ? state.email : null;
  }
}
