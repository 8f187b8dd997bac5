import { DomainError } from '@app/ddd';
import { Metrics } from '@app/metrics';

/** How a sign-in attempt was made: the password, a social provider's round trip, or the second step after either. */
export type CountedSignInMethod = 'password' | 'oidc' | 'second_step';

/**
 * Runs a sign-in attempt and counts it in `sign_ins_total` by method and outcome: `success`,
 * `mfa_required` (a first factor that asks for the second step), or the refusal's error code.
 */
export async function countedSignIn<T extends object>(
  metrics: Metrics,
  method: CountedSignInMethod,
  attempt: () => Promise<T>,
): Promise<T> {
  try {
    const result = await attempt();
    metrics.signIns.inc({ method, outcome: 'mfaRequired' in result ? 'mfa_required' : 'success' });
    return result;
  } catch (error) {
    metrics.signIns.inc({ method, outcome: error instanceof DomainError ? error.code : 'error' });
    throw error;
  }
}
