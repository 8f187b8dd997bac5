import { DynamicModule, Module } from '@nestjs/common';
import { Runtime } from '@app/core';
import { processModules } from '../api/api.module';

/** The contexts' modules for the worker role: their read side and job workers, no HTTP-only module. */
@Module({})
export class WorkerModule {
  static forRoot(runtime: Runtime): DynamicModule {
    return { module: WorkerModule, imports: processModules(runtime, 'worker') };
  }
}
