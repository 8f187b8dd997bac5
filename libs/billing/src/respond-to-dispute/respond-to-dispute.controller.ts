import { Body, Controller, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import {
  ApiBearerAuth,
  ApiConflictResponse,
  ApiForbiddenResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiTags,
} from '@nestjs/swagger';
import { RequireRoles, StaffGuard } from '@app/auth';
import { RequestContext } from '@app/ddd';
import { Context } from '@app/http';
import { RespondToDisputeCommand } from './respond-to-dispute.command';
import { RespondToDisputeDto } from './respond-to-dispute.dto';

@ApiTags('billing staff')
@ApiBearerAuth()
@UseGuards(StaffGuard)
@RequireRoles('billing')
@ApiForbiddenResponse({ description: 'forbidden: not billing staff' })
@Controller('v1/staff/billing/disputes')
export class RespondToDisputeController {
  constructor(private readonly commandBus: CommandBus) {}

  @Post(':id/respond')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Answered; the holder is emailed the answer' })
  @ApiNotFoundResponse({ description: 'not_found' })
  @ApiConflictResponse({ description: 'dispute_resolved' })
  async respond(@Param('id') id: string, @Body() body: RespondToDisputeDto, @Context() context: RequestContext): Promise<void> {
    await this.commandBus.execute(new RespondToDisputeCommand(id, body.message, context));
  }
}
