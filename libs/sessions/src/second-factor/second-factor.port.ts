import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { RequestContext } from '@app/ddd';
import { SignInMethod } from '../domain/session.events';
import { MfaChallengeDto } from '../sign-in/sign-in.dto';

/**
 * The seam of multi-factor authentication, asked after a correct first factor (a password, or a
 * provider's round trip) and before any session exists: `null` starts the session at once; a challenge
 * is the sign-in's answer (`{mfaRequired, mfaToken, methods}`), and the context that owns the second
 * step starts the session with `SessionStarter.start(accountId, method, context, { secondFactor })`
 * once it completes. Provided by the MFA context (`{ provide: SecondFactorRequirement, useClass: ... }`
 * in its module); an app without one has no second factors.
 */
export abstract class SecondFactorRequirement {
  abstract afterFirstFactor(accountId: string, method: SignInMethod, context: RequestContext): Promise<MfaChallengeDto | null>;
}

/** The provider of the port, if a context supplies one; none means no account has a second factor. */
@Injectable()
export class SecondFactorPort implements OnApplicationBootstrap {
  private requirement: SecondFactorRequirement | null = null;

  constructor(private readonly moduleRef: ModuleRef) {}

  onApplicationBootstrap(): void {
    try {
      this.requirement = this.moduleRef.get(SecondFactorRequirement, { strict: false });
    } catch {
      this.requirement = null;
    }
  }

  afterFirstFactor(accountId: string, method: SignInMethod, context: RequestContext): Promise<MfaChallengeDto | null> {
    return this.requirement ? this.requirement.afterFirstFactor(accountId, method, context) : Promise.resolve(null);
  }
}
