import { randomUUID } from 'node:crypto';
import { IncomingHttpHeaders } from 'node:http';

const REQUEST_ID = /^[A-Za-z0-9._-]{8,128}$/;

/** The caller's `x-request-id` when it is well-formed (so a trace spans services), else a new UUID. */
export function requestIdFrom(headers: IncomingHttpHeaders | Record<string, string | string[] | undefined>): string {
  const given = headers['x-request-id'];
  return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
}
