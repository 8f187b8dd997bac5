export interface SweepOutcome {
  /** Candidates the read model gave. */
  readonly examined: number;
  /** What `settle` said it recorded, summed. */
  readonly recorded: number;
}

/**
 * The loop of a tidy-up sweep (its schedule: `sweepSchedule`). Candidates come from a read model, which
 * may lag, so `settle` decides each again on its own stream (nothing for one settled meanwhile) and
 * resolves to how many events it recorded. One candidate's trouble must not hold back the others: it goes
 * to `onFailure`, and the run fails at the end (`what` names the candidates) so the job is retried.
 */
export async function sweepCandidates<Candidate>(
  candidates: readonly Candidate[],
  settle: (candidate: Candidate) => Promise<number>,
  onFailure: (candidate: Candidate, error: Error) => void,
  what: string,
): Promise<SweepOutcome> {
  let recorded = 0;
  let failed = 0;
  for (const candidate of candidates) {
    try {
      recorded += await settle(candidate);
    } catch (error) {
      failed += 1;
      onFailure(candidate, error as Error);
    }
  }
  if (failed > 0) throw new Error(`sweep: ${failed} of ${candidates.length} ${what} failed`);
  return { examined: candidates.length, recorded };
}
