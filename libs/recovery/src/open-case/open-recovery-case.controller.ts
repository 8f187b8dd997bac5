import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiCreatedResponse, ApiNotFoundResponse } from '@nestjs/swagger';
import { StaffRoutes } from '@app/auth';
import { RequestContext } from '@app/ddd';
import { Context } from '@app/http';
import { OpenedRecoveryCaseDto, OpenRecoveryCaseDto } from './open-recovery-case.dto';
import { OpenRecoveryCaseCommand } from './open-recovery-case.command';

@StaffRoutes('support', 'support')
@Controller('v1/support/recovery-cases')
export class OpenRecoveryCaseController {
  constructor(private readonly commandBus: CommandBus) {}

  @Post()
  @HttpCode(201)
  @ApiCreatedResponse({ type: OpenedRecoveryCaseDto, description: 'Opened; the sender is emailed the verification steps' })
  @ApiNotFoundResponse({ description: 'not_found: no account has accountEmail' })
  open(@Body() body: OpenRecoveryCaseDto, @Context() context: RequestContext): Promise<OpenedRecoveryCaseDto> {
    return this.commandBus.execute(new OpenRecoveryCaseCommand(body, context));
  }
}
