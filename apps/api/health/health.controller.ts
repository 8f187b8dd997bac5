import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { FastifyReply } from 'fastify';
import { APP_CONFIG, EVENT_STORE, JOB_QUEUE, SQL_DATABASE } from '@app/core';
import { AppConfig } from '@app/config';
import { SqlDatabase } from '@app/database';
import { EventStore } from '@app/event-store';
import { JobQueue, MAIL_QUEUE } from '@app/messaging';
import { ReadSideHandle } from './read-side-status';

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
    private readonly readSide: ReadSideHandle,
  ) {}

  /** 200 when the store and the read models answer; the queue being down degrades, it does not fail. */
  @Get()
  @ApiOkResponse({ description: 'store, read models, queue and the lag of each projection' })
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
