import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength, MinLength } from 'class-validator';

export class ExchangeOidcCodeDto {
  @ApiProperty({ description: 'The `code` from the fragment of the page the callback redirected to (`returnTo#code=`)' })
  @IsString()
  @MinLength(1)
  @MaxLength(256)
  code: string;
}
