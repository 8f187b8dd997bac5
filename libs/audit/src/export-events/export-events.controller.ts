import { Controller, Get, Header, Param } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiProduces } from '@nestjs/swagger';
import { Readable } from 'node:stream';
import { StaffRoutes } from '@app/auth';
import { RecordedEvent } from '@app/event-store';
import { NotFoundError } from '@app/http';
import { AccountHistory } from '../trail/account-history';

/** One line of the export: the event exactly as stored, hash chain links included (position as a string). */
export function exportLine(event: RecordedEvent): string {
  return `${JSON.stringify({
    position: event.position.toString(),
    id: event.id,
    stream: event.stream,
    revision: event.revision,
    type: event.type,
    schemaVersion: event.schemaVersion,
    data: event.data,
    metadata: event.metadata,
  })}\n`;
}

/** One chunk per read from the store, not one per event: thousands of tiny writes cost more than the reads. */
async function* lines(batches: AsyncIterable<readonly RecordedEvent[]>): AsyncGenerator<string> {
  for await (const batch of batches) yield batch.map(exportLine).join('');
}

@StaffRoutes('audit', 'auditor')
@Controller('v1/audit/accounts')
export class ExportAccountEventsController {
  constructor(private readonly history: AccountHistory) {}

  @Get(':id/export')
  @Header('content-type', 'application/x-ndjson')
  @Header('cache-control', 'no-store')
  @ApiProduces('application/x-ndjson')
  @ApiOkResponse({ description: 'NDJSON, one stored event per line in log order, streamed as read; verifiable offline (README)' })
  @ApiNotFoundResponse({ description: 'not_found: no event concerns this account' })
  async export(@Param('id') accountId: string): Promise<Readable> {
    if (!(await this.history.known(accountId))) throw new NotFoundError('account');
    return Readable.from(lines(this.history.batches(accountId, {}, { raw: true })));
  }
}
