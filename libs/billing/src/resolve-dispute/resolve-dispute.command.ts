import { Command } from '@nestjs/cqrs';
import { RequestContext } from '@app/ddd';

export class ResolveDisputeCommand extends Command<void> {
  constructor(
    readonly disputeId: string,
    readonly outcome: 'upheld' | 'rejected',
    readonly creditMicros: number,
    readonly context: RequestContext,
  ) {
    super();
  }
}
