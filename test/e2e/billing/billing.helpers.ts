import { randomUUID } from 'node:crypto';
import { TestApp, TEST_SERVICE_TOKEN } from '@app/test-app';

export interface UsageInput {
  accountId: string;
  service: string;
  amountMicros: number;
  idempotencyKey: string;
  occurredAt: string;
}

export function usageRecord(accountId: string, overrides: Partial<UsageInput> = {}): UsageInput {
  return {
    accountId,
    service: 'chat',
    amountMicros: 1_500,
    idempotencyKey: randomUUID(),
    occurredAt: '2026-01-05T08:00:00.000Z',
    ...overrides,
  };
}

export function postUsage(app: TestApp, payload: unknown, token = TEST_SERVICE_TOKEN) {
  return app.inject({ method: 'POST', url: '/v1/usage', token, payload: payload as object });
}
