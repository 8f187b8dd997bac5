import { DynamicModule, Module, Type } from '@nestjs/common';
import { AccountsModule, SocialSignInModule } from '@app/accounts';
import { ApiKeysModule } from '@app/api-keys';
import { AuditModule } from '@app/audit';
import { RecoveryModule } from '@app/recovery';
import { AuthModule } from '@app/auth';
import { BillingModule, InvoicingModule } from '@app/billing';
import { CoreModule, Runtime } from '@app/core';
import { MfaModule } from '@app/mfa';
import { HealthModule } from './health/health.module';

/** Every bounded context's module: its controllers, handlers and read side. Add yours here. */
export const featureModules: Type<unknown>[] = [
  AccountsModule,
  ApiKeysModule,
  AuthModule,
  SocialSignInModule,
  AuditModule,
  BillingModule,
  InvoicingModule,
  MfaModule,
  RecoveryModule,
];

@Module({})
export class ApiModule {
  static forRoot(runtime: Runtime): DynamicModule {
    return { module: ApiModule, imports: [CoreModule.forRoot(runtime), HealthModule, ...featureModules] };
  }
}
