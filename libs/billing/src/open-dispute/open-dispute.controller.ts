import { Body, Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiCreatedResponse, ApiNotFoundResponse, ApiTags } from '@nestjs/swagger';
import { AccountAuthGuard, AuthenticatedAccount, CurrentAccount, StaffRoutes } from '@app/auth';
import { RequestContext } from '@app/ddd';
import { Context } from '@app/http';
import { OpenDisputeCommand } from './open-dispute.command';
import { OpenDisputeDto, OpenDisputeForAccountDto, OpenedDisputeDto } from './open-dispute.dto';

const referencesOf = (body: OpenDisputeDto) => ({
  invoiceNumber: body.invoiceNumber ?? null,
  chargeRef: body.chargeRef ?? null,
  description: body.description,
});

@ApiTags('billing')
@ApiBearerAuth()
@UseGuards(AccountAuthGuard)
@Controller('v1/billing/disputes')
export class OpenDisputeController {
  constructor(private readonly commandBus: CommandBus) {}

  @Post()
  @HttpCode(201)
  @ApiCreatedResponse({ type: OpenedDisputeDto, description: 'The billing team answers by respondBy' })
  open(
    @Body() body: OpenDisputeDto,
    @CurrentAccount() account: AuthenticatedAccount,
    @Context() context: RequestContext,
  ): Promise<OpenedDisputeDto> {
    return this.commandBus.execute(new OpenDisputeCommand(account.accountId, referencesOf(body), 'account', context));
  }
}

@StaffRoutes('billing staff', 'billing')
@Controller('v1/staff/billing/disputes')
export class OpenDisputeForAccountController {
  constructor(private readonly commandBus: CommandBus) {}

  @Post()
  @HttpCode(201)
  @ApiCreatedResponse({ type: OpenedDisputeDto, description: 'A dispute that arrived by email' })
  @ApiNotFoundResponse({ description: 'not_found: no such account' })
  open(@Body() body: OpenDisputeForAccountDto, @Context() context: RequestContext): Promise<OpenedDisputeDto> {
    return this.commandBus.execute(new OpenDisputeCommand(body.accountId, referencesOf(body), 'email', context));
  }
}
