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
import { ResolveDisputeCommand } from './resolve-dispute.command';
import { ResolveDisputeDto } from './resolve-dispute.dto';

@ApiTags('billing staff')
@ApiBearerAuth()
@UseGuards(StaffGuard)
@RequireRoles('billing')
@ApiForbiddenResponse({ description: 'forbidden: not billing staff' })
@Controller('v1/staff/billing/disputes')
export class ResolveDisputeController {
  constructor(private readonly commandBus: CommandBus) {}

  @Post(':id/resolve')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Resolved; the holder is emailed the outcome, and a credit reaches the next invoice' })
  @ApiNotFoundResponse({ description: 'not_found' })
  @ApiConflictResponse({ description: 'dispute_resolved' })
  async resolve(@Param('id') id: string, @Body() body: ResolveDisputeDto, @Context() context: RequestContext): Promise<void> {
    await this.commandBus.execute(new ResolveDisputeCommand(id, body.outcome, body.creditMicros ?? 0, context));
  }
}
