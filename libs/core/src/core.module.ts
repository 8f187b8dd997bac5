import { DynamicModule, Global, Inject, Module, OnApplicationBootstrap } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { CommandRunner, EventCatalog } from '@app/ddd';
import { PersonalDataEventStore, UpcasterRegistry } from '@app/event-store';
import { FastLane } from '@app/http';
import { Metrics } from '@app/metrics';
import { ReadSideRegistry } from '@app/projections';
import { PasswordHasher, SecretBox } from '@app/security';
import { Runtime } from './runtime';
import { APP_CONFIG, CLOCK, DATA_KEY_STORE, EVENT_STORE, JOB_QUEUE, LOGGER, MAILER, SQL_DATABASE } from './tokens';

const RUNTIME = Symbol('RUNTIME');

/** Makes the opened runtime injectable everywhere, and the CQRS buses with it. */
@Global()
@Module({})
export class CoreModule implements OnApplicationBootstrap {
  constructor(@Inject(RUNTIME) private readonly runtime: Runtime) {}

  static forRoot(runtime: Runtime): DynamicModule {
    const providers = [
      { provide: RUNTIME, useValue: runtime },
      { provide: APP_CONFIG, useValue: runtime.config },
      { provide: SQL_DATABASE, useValue: runtime.db },
      { provide: EVENT_STORE, useValue: runtime.eventStore },
      { provide: PersonalDataEventStore, useValue: runtime.eventStore },
      { provide: DATA_KEY_STORE, useValue: runtime.dataKeys },
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

  /** Every module is built by now, so every event type is declared: seal what was stored before the seam. */
  async onApplicationBootstrap(): Promise<void> {
    const report = await this.runtime.sealHistory?.();
    if (report?.ran && (report.eventsRewritten > 0 || report.streamsSkipped.length > 0)) {
      this.runtime.logger.warn(
        {
          streamsRewritten: report.streamsRewritten,
          eventsRewritten: report.eventsRewritten,
          streamsSkipped: report.streamsSkipped.length,
        },
        'sealed the personal fields of events stored before the erasure seam (re-chained)',
      );
    }
  }
}
