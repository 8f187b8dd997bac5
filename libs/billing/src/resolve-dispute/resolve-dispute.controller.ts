import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiConflictResponse, ApiNoContentResponse, ApiNotFoundResponse } from '@nestjs/swagger';
import { StaffRoutes } from '@app/auth';
import { RequestContext } from '@app/ddd';
import { Context } from '@app/http';
import { ResolveDisputeCommand } from './resolve-dispute.command';
import { ResolveDisputeDto } from './resolve-dispute.dto';

@StaffRoutes('billing staff', 'billing')
@ApiNotFoundResponse({ description: 'not_found' })
@ApiConflictResponse({ description: 'dispute_resolved' })
@Controller('v1/staff/billing/disputes')
export class ResolveDisputeController {
  constructor(private readonly commandBus: CommandBus) {}

  @Post(':id/resolve')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Resolved; the holder is emailed the outcome, and a credit reaches the next invoice' })
  async resolve(@Param('id') id: string, @Body() body: ResolveDisputeDto, @Context() context: RequestContext): Promise<void> {
    await this.commandBus.execute(new ResolveDisputeCommand(id, body.outcome, body.creditMicros ?? 0, context));
  }
}
