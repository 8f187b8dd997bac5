import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiConflictResponse, ApiNoContentResponse, ApiNotFoundResponse } from '@nestjs/swagger';
import { StaffRoutes } from '@app/auth';
import { RequestContext } from '@app/ddd';
import { Context } from '@app/http';
import { RespondToDisputeCommand } from './respond-to-dispute.command';
import { RespondToDisputeDto } from './respond-to-dispute.dto';

@StaffRoutes('billing staff', 'billing')
@ApiNotFoundResponse({ description: 'not_found' })
@ApiConflictResponse({ description: 'dispute_resolved' })
@Controller('v1/staff/billing/disputes')
export class RespondToDisputeController {
  constructor(private readonly commandBus: CommandBus) {}

  @Post(':id/respond')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Answered; the holder is emailed the answer' })
  async respond(@Param('id') id: string, @Body() body: RespondToDisputeDto, @Context() context: RequestContext): Promise<void> {
    await this.commandBus.execute(new RespondToDisputeCommand(id, body.message, context));
  }
}
