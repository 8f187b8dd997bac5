import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsISO8601, IsOptional, IsString, Matches, MaxLength, MinLength, ValidateNested } from 'class-validator';
import { CheckName, CheckResult, RECENT_ACTIVITY_KINDS, RecentActivityKind } from '../domain/recovery-case.events';

export class RecentActivityClaimDto {
  @ApiProperty({ enum: RECENT_ACTIVITY_KINDS })
  @IsIn(RECENT_ACTIVITY_KINDS as string[], { message: 'kind must be api_key_name, sign_in_ip or service_used' })
  kind: RecentActivityKind;

  @ApiProperty({ description: "What the person says: a key's name, an address they signed in from, a service they used" })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  value: string;
}

export class CheckClaimsDto {
  @ApiPropertyOptional({ type: RecentActivityClaimDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => RecentActivityClaimDto)
  recentActivity?: RecentActivityClaimDto;

  @ApiPropertyOptional({ description: 'Last four digits of the payment method on file' })
  @IsOptional()
  @IsString()
  @Matches(/^[0-9]{4}$/, { message: 'paymentLast4 must be four digits' })
  paymentLast4?: string;

  @ApiPropertyOptional({ description: 'YYYY-MM-DD (UTC)' })
  @IsOptional()
  @IsString()
  @Matches(/^[0-9]{4}-[0-9]{2}-[0-9]{2}$/, { message: 'accountCreatedOn must be a date YYYY-MM-DD' })
  @IsISO8601({ strict: true }, { message: 'accountCreatedOn must be a date YYYY-MM-DD' })
  accountCreatedOn?: string;
}

export class CheckClaimsResultDto {
  @ApiProperty({ description: 'Per check given: match or mismatch', type: 'object', additionalProperties: { enum: ['match', 'mismatch'] } })
  results: Partial<Record<CheckName, CheckResult>>;

  @ApiProperty({ description: 'Per check: attempts left in this case (3 each)', type: 'object', additionalProperties: { type: 'number' } })
  attemptsLeft: Record<CheckName, number>;
}
