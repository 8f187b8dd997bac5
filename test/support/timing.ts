import { AddressInfo } from 'node:net';
import { TestApp } from './test-app';

export const median = (values: readonly number[]): number => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)];

/** The in-process app listening on loopback: timing is measured over real HTTP, as a client sees it. */
export async function listenOnLoopback(app: TestApp): Promise<string> {
  await app.started.app.listen({ port: 0, host: '127.0.0.1' });
  return `http://127.0.0.1:${(app.started.app.getHttpServer().address() as AddressInfo).port}`;
}

/** POSTs JSON and resolves with the status and the milliseconds until the whole answer was read. */
export async function timedPost(url: string, body: unknown): Promise<{ status: number; ms: number }> {
  const started = process.hrtime.bigint();
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  await response.text();
  return { status: response.status, ms: Number(process.hrtime.bigint() - started) / 1e6 };
}
