import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class CheckDto {
  @ApiProperty({ enum: ['up', 'down'] })
  status: 'up' | 'down';

  @ApiPropertyOptional({ description: 'Why it is down' })
  error?: string;
}

export class ProjectionHealthDto {
  @ApiProperty({ example: 'api-key-listing' })
  name: string;

  @ApiProperty()
  version: number;

  @ApiProperty()
  generation: number;

  @ApiProperty({ description: 'Position of the last event applied', example: '42' })
  position: string;

  @ApiProperty({ description: 'Matching events not applied yet (1000 means at least 1000)' })
  lag: number;

  @ApiPropertyOptional({ description: 'When the oldest event not applied yet occurred', format: 'date-time' })
  oldestPendingAt?: string;

  @ApiPropertyOptional({
    description: 'A rebuild in progress: {generation, version, position}',
    type: 'object',
    additionalProperties: true,
  })
  rebuilding?: Record<string, unknown>;

  @ApiPropertyOptional()
  failed?: string;
}

export class ReactionHealthDto {
  @ApiProperty()
  name: string;

  @ApiProperty()
  position: string;

  @ApiProperty()
  lag: number;

  @ApiPropertyOptional()
  failed?: string;
}

export class HealthReportDto {
  @ApiProperty({ enum: ['ok', 'degraded', 'down'], description: 'degraded: the queue is unreachable' })
  status: 'ok' | 'degraded' | 'down';

  @ApiProperty({ enum: ['embedded', 'production'] })
  mode: string;

  @ApiProperty({ type: CheckDto, description: 'with adapter and headPosition when up' })
  store: CheckDto;

  @ApiProperty({ type: CheckDto, description: 'with driver when up' })
  readModels: CheckDto;

  @ApiProperty({ type: CheckDto, description: 'with adapter and the mail queue counts when up' })
  queue: CheckDto;

  @ApiProperty({ type: [ProjectionHealthDto] })
  projections: ProjectionHealthDto[];

  @ApiProperty({ type: [ReactionHealthDto] })
  reactions: ReactionHealthDto[];
}

export class LivenessDto {
  @ApiProperty({ enum: ['ok'] })
  status: 'ok';
}

export class ReadinessDto {
  @ApiProperty({ enum: ['ready', 'not_ready'] })
  status: 'ready' | 'not_ready';

  @ApiProperty({ type: CheckDto })
  store: CheckDto;

  @ApiProperty({ type: CheckDto })
  readModels: CheckDto;

  @ApiPropertyOptional({ type: CheckDto, description: 'only in a process that runs reactions or job workers' })
  queue?: CheckDto;

  @ApiPropertyOptional({
    type: CheckDto,
    description: 'only in a process that runs projections: down when one failed or lags more than 5 s behind the head',
  })
  projections?: CheckDto;
}
