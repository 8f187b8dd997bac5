import { Command } from '@nestjs/cqrs';
import { StaffRole } from '@app/auth';
import { RequestContext } from '@app/ddd';
import { StaffRolesDto } from './set-staff-roles.dto';

export class SetStaffRolesCommand extends Command<StaffRolesDto> {
  constructor(
    readonly accountId: string,
    readonly roles: readonly StaffRole[],
    readonly context: RequestContext,
  ) {
    super();
  }
}
