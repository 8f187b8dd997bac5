import { Command } from '@nestjs/cqrs';
import { RequestContext } from '@app/ddd';
import { OpenedDisputeDto } from './open-dispute.dto';

export class OpenDisputeCommand extends Command<OpenedDisputeDto> {
  constructor(
    readonly accountId: string,
    readonly dispute: { readonly invoiceNumber: string | null; readonly chargeRef: string | null; readonly description: string },
    readonly openedVia: 'account' | 'email',
    readonly context: RequestContext,
  ) {
    super();
  }
}
