import { Command } from '@nestjs/cqrs';
import { RequestContext } from '@app/ddd';
import { LostFactor } from '../domain/recovery-case.events';
import { OpenedRecoveryCaseDto } from './open-recovery-case.dto';

export class OpenRecoveryCaseCommand extends Command<OpenedRecoveryCaseDto> {
  constructor(
    readonly request: { fromEmail: string; accountEmail: string; subject: string; body: string; lost: LostFactor },
    readonly context: RequestContext,
  ) {
    super();
  }
}
