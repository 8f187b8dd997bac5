import { Command } from '@nestjs/cqrs';
import { RequestContext } from '@app/ddd';
import { SpendingCapDto } from './set-spending-cap.dto';

export class SetSpendingCapCommand extends Command<SpendingCapDto> {
  constructor(
    readonly accountId: string,
    readonly capMicros: number,
    readonly context: RequestContext,
  ) {
    super();
  }
}
