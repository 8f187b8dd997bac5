import { Module } from '@nestjs/common';
import { HealthController } from './health.controller';
import { ReadSideHandle } from './read-side-status';

@Module({ controllers: [HealthController], providers: [ReadSideHandle], exports: [ReadSideHandle] })
export class HealthModule {}
