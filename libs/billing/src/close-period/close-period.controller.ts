import { Body, Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiConflictResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ServiceTokenGuard } from '@app/auth';
import { RequestContext } from '@app/ddd';
import { Context } from '@app/http';
import { ClosePeriodCommand } from './close-period.command';
import { ClosedPeriodDto, ClosePeriodDto } from './close-period.dto';

@ApiTags('billing')
@ApiBearerAuth()
@UseGuards(ServiceTokenGuard)
@Controller('v1/billing/periods')
export class ClosePeriodController {
  constructor(private readonly commandBus: CommandBus) {}

  @Post('close')
  @HttpCode(200)
  @ApiOkResponse({ type: ClosedPeriodDto, description: 'One invoice per account with usage in the period; closing twice issues nothing' })
  @ApiConflictResponse({ description: 'period_open: the current or a future month' })
  close(@Body() body: ClosePeriodDto, @Context() context: RequestContext): Promise<ClosedPeriodDto> {
    return this.commandBus.execute(new ClosePeriodCommand(body.period, context));
  }
}
