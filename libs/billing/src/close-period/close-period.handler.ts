import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { ClosePeriodCommand } from './close-period.command';
import { ClosedPeriodDto } from './close-period.dto';
import { PeriodCloser } from './period-closer';

@CommandHandler(ClosePeriodCommand)
export class ClosePeriodHandler implements ICommandHandler<ClosePeriodCommand> {
  constructor(private readonly closer: PeriodCloser) {}

  execute({ period, context }: ClosePeriodCommand): Promise<ClosedPeriodDto> {
    return this.closer.close(period, context);
  }
}
