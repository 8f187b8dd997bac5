import { sweepCandidates } from '@app/projections';

describe('the loop of a tidy-up sweep', () => {
  it('settles every candidate, summing what each recorded', async () => {
    const settled: string[] = [];
    const outcome = await sweepCandidates(
      ['a', 'b', 'c'],
      async (candidate) => {
        settled.push(candidate);
        return candidate === 'b' ? 0 : 2;
      },
      () => {
        throw new Error('no candidate fails here');
      },
      'things',
    );
    expect(settled).toEqual(['a', 'b', 'c']);
    expect(outcome).toEqual({ examined: 3, recorded: 4 });
  });

  it('goes on past a failing candidate, reports it, then fails the run so the job is retried', async () => {
    const settled: string[] = [];
    const failures: string[] = [];
    const run = sweepCandidates(
      ['a', 'b', 'c'],
      async (candidate) => {
        if (candidate === 'b') throw new Error('stream unavailable');
        settled.push(candidate);
        return 1;
      },
      (candidate, error) => failures.push(`${candidate}: ${error.message}`),
      'things',
    );
    await expect(run).rejects.toThrow('sweep: 1 of 3 things failed');
    expect(settled).toEqual(['a', 'c']);
    expect(failures).toEqual(['b: stream unavailable']);
  });
});
