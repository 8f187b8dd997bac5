import { ReadSide } from '@app/projections';

/** The process's read side, once bootstrap has built it (every module has registered its part by then). */
export class ReadSideHandle {
  current?: ReadSide;
  /** What this process runs of it: readiness checks the queue and the projections only where they run. */
  runs: { projections: boolean; reactions: boolean; workers: boolean } = { projections: false, reactions: false, workers: false };
}
