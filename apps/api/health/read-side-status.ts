import { ReadSide } from '@app/projections';

/** The process's read side, once bootstrap has built it (every module has registered its part by then). */
export class ReadSideHandle {
  current?: ReadSide;
}
