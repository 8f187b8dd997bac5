import { DomainError } from '@app/ddd';
import { Metrics } from '@app/metrics';

/** How a sign-in attempt was made: the password, a social provider's round trip, or the second step after either. */
export type CountedSignInMethod = 'password' | 'oidc' | 'second_step';

/** `success`, or `mfa_required` for a first factor that asks for the second step. */
export const signInOutcome = (result: object): string => ('mfaRequired' in result ? 'mfa_required' : 'success');

/**
 * Runs a sign-in attempt and counts it in `sign_ins_total` by method and outcome: `outcomeOf` its
 * answer (undefined: not counted here), or the refusal's error code.
 */
export async function countedSignIn<T extends object>(
  metrics: Metrics,
  method: CountedSignInMethod,
  attempt: () => Promise<T>,
  outcomeOf: (result: T) => string | undefined = signInOutcome,
): Promise<T> {
  try {
    const result = await attempt();
    const outcome = outcomeOf(result);
    if (outcome !== undefined) metrics.signIns.inc({ method, outcome });
    return result;
  } catch (error) {
    metrics.signIns.inc({ method, outcome: error instanceof DomainError ? error.code : 'error' });
    throw error;
  }
}
