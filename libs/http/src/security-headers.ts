import { ServerResponse } from 'node:http';
import helmet, { HelmetOptions } from 'helmet';

/**
 * The security headers of every answer, by helmet's defaults with two choices of the contract:
 * `Referrer-Policy: no-referrer`, and a CSP that allows only this origin and no framing (for the HTML
 * pages; harmless on JSON). `@fastify/helmet` applies them to the framework's answers; the answers
 * written outside Fastify (the fast lane, refusals of the HTTP parser) take the same list.
 */
export const HELMET_OPTIONS: HelmetOptions = {
  contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'self'"], frameAncestors: ["'none'"] } },
  referrerPolicy: { policy: 'no-referrer' },
};

let computed: readonly string[] | undefined;

/** helmet's headers for HELMET_OPTIONS as a flat `[name, value, ...]` list, computed once. */
export function securityHeaderList(): readonly string[] {
  if (computed) return computed;
  const list: string[] = [];
  const recorder = {
    setHeader(name: string, value: string | number | readonly string[]) {
      list.push(name.toLowerCase(), String(value));
    },
    removeHeader() {},
  } as unknown as ServerResponse;
  helmet(HELMET_OPTIONS)({} as never, recorder, () => undefined);
  computed = list;
  return list;
}
