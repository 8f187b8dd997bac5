import { ApiProperty } from '@nestjs/swagger';

export class RecoveryCodesDto {
  @ApiProperty({
    type: [String],
    description: 'Shown once; each works once; the previous set no longer works',
    example: ['7KQM-3XHT-9WPD'],
  })
  recoveryCodes: string[];
}
