import { Body, Controller, Param, Put } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiNotFoundResponse, ApiOkResponse } from '@nestjs/swagger';
import { StaffRoutes } from '@app/auth';
import { RequestContext } from '@app/ddd';
import { Context } from '@app/http';
import { SetStaffRolesCommand } from './set-staff-roles.command';
import { SetStaffRolesDto, StaffRolesDto } from './set-staff-roles.dto';

@StaffRoutes('admin', 'admin')
@Controller('v1/admin/accounts')
export class SetStaffRolesController {
  constructor(private readonly commandBus: CommandBus) {}

  @Put(':id/roles')
  @ApiOkResponse({ type: StaffRolesDto })
  @ApiNotFoundResponse({ description: 'not_found' })
  setRoles(@Param('id') accountId: string, @Body() body: SetStaffRolesDto, @Context() context: RequestContext): Promise<StaffRolesDto> {
    return this.commandBus.execute(new SetStaffRolesCommand(accountId, body.roles, context));
  }
}
