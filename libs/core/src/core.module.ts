import { DynamicModule, Global, Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { CommandRunner, EventCatalog } from '@app/ddd';
import { UpcasterRegistry } from '@app/event-store';
import { FastLane } from '@app/http';
import { Metrics } from '@app/metrics';
import { ReadSideRegistry } from '@app/projections';
import { PasswordHasher, SecretBox } from '@app/security';
import { Runtime } from './runtime';
import { APP_CONFIG, CLOCK, EVENT_STORE, JOB_QUEUE, LOGGER, MAILER, SQL_DATABASE } from './tokens';

/** Makes the opened runtime injectable everywhere, and the CQRS buses with it. */
@Global()
@Module({})
export class CoreModule {
  static forRoot(runtime: Runtime): DynamicModule {
    const providers = [
      { provide: APP_CONFIG, useValue: runtime.config },
      { provide: SQL_DATABASE, useValue: runtime.db },
      { provide: EVENT_STORE, useValue: runtime.eventStore },
      { provide: CLOCK, useValue: runtime.clock },
      { provide: LOGGER, useValue: runtime.logger },
      { provide: EventCatalog, useValue: runtime.catalog },
      { provide: UpcasterRegistry, useValue: runtime.upcasters },
      { provide: SecretBox, useValue: runtime.secretBox },
      { provide: PasswordHasher, useValue: runtime.passwordHasher },
      { provide: JOB_QUEUE, useValue: runtime.queue },
      { provide: FastLane, useValue: runtime.fastLane },
      { provide: MAILER, useValue: runtime.mailer },
      { provide: ReadSideRegistry, useValue: runtime.readSide },
      { provide: Metrics, useValue: runtime.metrics },
      { provide: CommandRunner, useValue: new CommandRunner(runtime.eventStore, runtime.catalog) },
    ];
    return {
      module: CoreModule,
      imports: [CqrsModule.forRoot()],
      providers,
      exports: [...providers.map((provider) => provider.provide), CqrsModule],
    };
  }
}
