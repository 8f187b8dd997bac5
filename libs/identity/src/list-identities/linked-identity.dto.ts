import { ApiProperty } from '@nestjs/swagger';
import { LinkedIdentity } from '../domain/account.decider';

export class LinkedIdentityDto {
  @ApiProperty({ example: 'google', description: 'The provider name from OIDC_PROVIDERS' })
  provider: string;

  @ApiProperty({ type: String, nullable: true, description: 'The email the provider shared when the identity was linked' })
  email: string | null;

  @ApiProperty({ format: 'date-time' })
  linkedAt: string;
}

export function toLinkedIdentityDto(identity: LinkedIdentity): LinkedIdentityDto {
  return { provider: identity.provider, email: identity.email, linkedAt: new Date(identity.linkedAt).toISOString() };
}
