import { Command } from '@nestjs/cqrs';
import { RequestContext } from '@app/ddd';
import { IssuedApiKeyDto } from '../create-api-key/create-api-key.dto';

export class RotateApiKeyCommand extends Command<IssuedApiKeyDto> {
  constructor(
    readonly accountId: string,
    readonly keyId: string,
    readonly gracePeriodSeconds: number,
    readonly context: RequestContext,
  ) {
    super();
  }
}
