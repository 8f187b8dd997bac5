import { DynamicModule, Module, Type } from '@nestjs/common';
import { AuthModule } from '@app/auth';
import { contextModules, CoreModule, ProcessRole, Runtime } from '@app/core';
import { AccountSessionAuthority, SessionsModule } from '@app/sessions';
import { contexts } from './contexts';
import { HealthModule } from './health/health.module';

/** The modules of a process: the runtime, authentication, and every context's modules for the role. */
export function processModules(runtime: Runtime, role: ProcessRole): Array<DynamicModule | Type<unknown>> {
  return [
    CoreModule.forRoot(runtime),
    AuthModule.forRoot({ module: SessionsModule, provider: AccountSessionAuthority }),
    // The classes themselves: a module imported as `{ module }` too would be a second instance.
    ...contextModules(contexts, role),
  ];
}

@Module({})
export class ApiModule {
  static forRoot(runtime: Runtime, role: Exclude<ProcessRole, 'worker'>): DynamicModule {
    return { module: ApiModule, imports: [...processModules(runtime, role), HealthModule] };
  }
}
