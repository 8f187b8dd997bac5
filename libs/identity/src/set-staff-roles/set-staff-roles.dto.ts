import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsIn } from 'class-validator';
import { STAFF_ROLES, StaffRole } from '@app/auth';

export class SetStaffRolesDto {
  @ApiProperty({ type: [String], enum: STAFF_ROLES, description: 'The complete set: roles not listed are removed' })
  @IsArray()
  @ArrayMaxSize(STAFF_ROLES.length * 2)
  @IsIn(STAFF_ROLES, { each: true })
  roles: StaffRole[];
}

export class StaffRolesDto {
  @ApiProperty({ format: 'uuid' })
  accountId: string;

  @ApiProperty({ type: [String], enum: STAFF_ROLES, description: 'Effective roles, the bootstrap admin included' })
  roles: StaffRole[];
}
