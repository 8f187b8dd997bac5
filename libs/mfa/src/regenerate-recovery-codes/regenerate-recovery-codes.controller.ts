import { Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiConflictResponse, ApiOkResponse, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { AccountAuthGuard, AuthenticatedAccount, CurrentAccount } from '@app/auth';
import { RequestContext } from '@app/ddd';
import { Context, NoStore } from '@app/http';
import { RegenerateRecoveryCodesCommand } from './regenerate-recovery-codes.command';
import { RecoveryCodesDto } from './regenerate-recovery-codes.dto';

@ApiTags('mfa')
@ApiBearerAuth()
@UseGuards(AccountAuthGuard)
@Controller('v1/me/mfa/recovery-codes')
export class RegenerateRecoveryCodesController {
  constructor(private readonly commandBus: CommandBus) {}

  @Post()
  @HttpCode(200)
  @NoStore()
  @ApiOkResponse({ type: RecoveryCodesDto })
  @ApiUnauthorizedResponse({ description: 'reauthentication_required' })
  @ApiConflictResponse({ description: 'mfa_not_enabled: no second factor is set up' })
  regenerate(@CurrentAccount() account: AuthenticatedAccount, @Context() context: RequestContext): Promise<RecoveryCodesDto> {
    return this.commandBus.execute(new RegenerateRecoveryCodesCommand(account, context));
  }
}
