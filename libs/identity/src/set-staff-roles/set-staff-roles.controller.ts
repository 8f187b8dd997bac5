import { Body, Controller, Param, Put, UseGuards } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiForbiddenResponse, ApiNotFoundResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { RequireRoles, StaffGuard } from '@app/auth';
import { RequestContext } from '@app/ddd';
import { Context } from '@app/http';
import { SetStaffRolesCommand } from './set-staff-roles.command';
import { SetStaffRolesDto, StaffRolesDto } from './set-staff-roles.dto';

@ApiTags('admin')
@ApiBearerAuth()
@UseGuards(StaffGuard)
@RequireRoles('admin')
@Controller('v1/admin/accounts')
export class SetStaffRolesController {
  constructor(private readonly commandBus: CommandBus) {}

  @Put(':id/roles')
  @ApiOkResponse({ type: StaffRolesDto })
  @ApiForbiddenResponse({ description: 'forbidden: not an admin' })
  @ApiNotFoundResponse({ description: 'not_found' })
  setRoles(@Param('id') accountId: string, @Body() body: SetStaffRolesDto, @Context() context: RequestContext): Promise<StaffRolesDto> {
    return this.commandBus.execute(new SetStaffRolesCommand(accountId, body.roles, context));
  }
}
