import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ApiOkResponse, ApiResponse, ApiTags } from '@nestjs/swagger';
import { FastifyReply } from 'fastify';
import { APP_CONFIG, CLOCK, EVENT_STORE, JOB_QUEUE, SQL_DATABASE } from '@app/core';
import { Clock } from '@app/ddd';
import { AppConfig } from '@app/config';
import { SqlDatabase } from '@app/database';
import { EventStore } from '@app/event-store';
import { JobQueue, MAIL_QUEUE } from '@app/messaging';
import { HealthReportDto, LivenessDto, ReadinessDto } from './health.dto';
import { ReadSideHandle } from './read-side-status';

/** Readiness: the oldest event a projection has not applied yet occurred at most this long ago. */
export const READY_LAG_MS = 5_000;

type Check = { status: 'up' | 'down'; [detail: string]: unknown };

async function check(work: () => Promise<Record<string, unknown>>, timeoutMs = 2000): Promise<Check> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const details = await Promise.race([
      work(),
      new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs))),
    ]);
    return { status: 'up', ...details };
  } catch (error) {
    return { status: 'down', error: (error as Error).message };
  } finally {
    clearTimeout(timer);
  }
}

@ApiTags('operations')
@Controller('health')
export class HealthController {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(SQL_DATABASE) private readonly db: SqlDatabase,
    @Inject(JOB_QUEUE) private readonly queue: JobQueue,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly readSide: ReadSideHandle,
  ) {}

  /** The process answers (for a container platform's liveness probe): no dependency is checked. */
  @Get('live')
  @ApiOkResponse({ type: LivenessDto })
  live(): LivenessDto {
    return { status: 'ok' };
  }

  /**
   * 200 when this process can serve: the store and the read models answer, and, only where this process
   * runs them, the queue answers and every projection is within 5 s of the head. An api instance stays
   * ready while Redis is down (requests never touch the queue).
   */
  @Get('ready')
  @ApiOkResponse({ type: ReadinessDto })
  @ApiResponse({ status: 503, type: ReadinessDto, description: 'not ready: the checks say which part' })
  async ready(@Res({ passthrough: true }) reply: FastifyReply): Promise<ReadinessDto> {
    const runs = this.readSide.runs;
    const [store, readModels, queue, projections] = await Promise.all([
      check(async () => ({ headPosition: (await this.store.headPosition()).toString() })),
      check(async () => {
        await this.db.query('SELECT 1');
        return {};
      }),
      runs.reactions || runs.workers ? check(async () => ({ mail: await this.queue.counts(MAIL_QUEUE) })) : undefined,
      runs.projections && this.readSide.current ? check(() => this.projectionsWithinReach()) : undefined,
    ]);
    const checks = { store, readModels, ...(queue ? { queue } : {}), ...(projections ? { projections } : {}) };
    const ready = Object.values(checks).every((part) => part.status === 'up');
    void reply.status(ready ? 200 : 503);
    return { status: ready ? 'ready' : 'not_ready', ...checks };
  }

  private async projectionsWithinReach(): Promise<Record<string, unknown>> {
    const { projections } = await this.readSide.current!.status();
    const now = this.clock.now().getTime();
    const behind = projections.filter(
      (p) => p.failed || p.rebuilding || (p.lag > 0 && (!p.oldestPendingAt || now - Date.parse(p.oldestPendingAt) > READY_LAG_MS)),
    );
    if (behind.length > 0) throw new Error(`behind the head by more than 5 s or failed: ${behind.map((p) => p.name).join(', ')}`);
    return { count: projections.length };
  }

  /** 200 when the store and the read models answer; the queue being down degrades, it does not fail. */
  @Get()
  @ApiOkResponse({ type: HealthReportDto, description: 'store, read models, queue and the lag of each projection' })
  @ApiResponse({ status: 503, type: HealthReportDto, description: 'the store or the read models do not answer' })
  async health(@Res({ passthrough: true }) reply: FastifyReply): Promise<Record<string, unknown>> {
    const [store, readModels, queue, readSide] = await Promise.all([
      check(async () => ({ adapter: this.store.name, headPosition: (await this.store.headPosition()).toString() })),
      check(async () => {
        await this.db.query('SELECT 1');
        return { driver: this.db.driver };
      }),
      check(async () => ({ adapter: this.queue.adapter, mail: await this.queue.counts(MAIL_QUEUE) })),
      this.readSide.current ? this.readSide.current.status() : Promise.resolve({ projections: [], reactions: [] }),
    ]);
    const healthy = store.status === 'up' && readModels.status === 'up';
    void reply.status(healthy ? 200 : 503);
    return {
      status: healthy ? (queue.status === 'up' ? 'ok' : 'degraded') : 'down',
      mode: this.config.mode,
      store,
      readModels,
      queue,
      projections: readSide.projections,
      reactions: readSide.reactions,
    };
  }
}
