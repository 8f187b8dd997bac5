import { Command } from '@nestjs/cqrs';
import { RequestContext } from '@app/ddd';
import { ClosedPeriodDto } from './close-period.dto';

export class ClosePeriodCommand extends Command<ClosedPeriodDto> {
  constructor(
    readonly period: string,
    readonly context: RequestContext,
  ) {
    super();
  }
}
