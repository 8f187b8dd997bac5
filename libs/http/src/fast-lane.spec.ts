import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { DomainError } from '@app/ddd';
import { createLogger } from './create-http-app';
import { FastLane } from './fast-lane';

/** The lane reuses one header list and keeps the JSON of frozen bodies: no answer may take another's values. */
describe('FastLane answers', () => {
  let server: Server;
  let base: string;
  const frozen = Object.freeze({ valid: true, scopes: Object.freeze(['chat']) });
  // 9 then 10: two answers of different lengths
  const changing = { count: 8 };

  beforeAll(async () => {
    const lane = new FastLane({ bodyLimitBytes: 1024, logger: createLogger('silent') });
    lane.register('POST', '/frozen', () => frozen);
    lane.register('POST', '/changing', () => ({ ...changing, count: ++changing.count }));
    lane.register('POST', '/limited', () => {
      throw new DomainError('rate_limited', 'Too many', { retryAfter: 7 });
    });
    server = createServer((request, response) => {
      if (!lane.tryHandle(request, response)) response.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const call = async (path: string, requestId: string) => {
    const response = await fetch(`${base}${path}`, {
      method: 'POST',
      body: '{}',
      headers: { 'content-type': 'application/json', 'x-request-id': requestId },
    });
    const text = await response.text();
    return {
      status: response.status,
      body: JSON.parse(text) as unknown,
      length: Number(response.headers.get('content-length')),
      textLength: Buffer.byteLength(text),
      requestId: response.headers.get('x-request-id'),
      retryAfter: response.headers.get('retry-after'),
      nosniff: response.headers.get('x-content-type-options'),
    };
  };

  it('gives each answer its own request id, length and body, and Retry-After only to the answer that carries it', async () => {
    const answers = [
      await call('/frozen', 'request-000001'),
      await call('/limited', 'request-000002'),
      await call('/changing', 'request-000003'),
      await call('/frozen', 'request-000004'),
      await call('/changing', 'request-000005'),
    ];
    expect(answers.map(({ status, body, requestId, retryAfter }) => ({ status, body, requestId, retryAfter }))).toEqual([
      { status: 200, body: { valid: true, scopes: ['chat'] }, requestId: 'request-000001', retryAfter: null },
      { status: 429, body: { error: 'rate_limited', message: 'Too many', retryAfter: 7 }, requestId: 'request-000002', retryAfter: '7' },
      { status: 200, body: { count: 9 }, requestId: 'request-000003', retryAfter: null },
      { status: 200, body: { valid: true, scopes: ['chat'] }, requestId: 'request-000004', retryAfter: null },
      { status: 200, body: { count: 10 }, requestId: 'request-000005', retryAfter: null },
    ]);
    for (const answer of answers)
      expect({ length: answer.length, nosniff: answer.nosniff }).toEqual({ length: answer.textLength, nosniff: 'nosniff' });
  });
});
