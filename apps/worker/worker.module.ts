import { DynamicModule, Module } from '@nestjs/common';
import { CoreModule, Runtime } from '@app/core';
import { featureModules } from '../api/api.module';

/** The same bounded contexts as the api, so each registers its projections, reactions and job workers. */
@Module({})
export class WorkerModule {
  static forRoot(runtime: Runtime): DynamicModule {
    return { module: WorkerModule, imports: [CoreModule.forRoot(runtime), ...featureModules] };
  }
}
