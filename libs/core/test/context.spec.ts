import { contextModules, ContextDeclaration, registerContexts } from '@app/core';
import { EventCatalog } from '@app/ddd';
import { statusOfErrorCode } from '@app/http';
import { ReadSideRegistry } from '@app/projections';
import { apiKeysContext, ApiKeysHttpModule, ApiKeysModule } from '@app/api-keys';
import { identityContext } from '@app/identity';
import { sessionsContext } from '@app/sessions';
import { auditContext } from '@app/audit';
import { billingContext, BillingModule, InvoicingModule } from '@app/billing';
import { mfaContext } from '@app/mfa';
import { recoveryContext } from '@app/recovery';

class ProbeModule {}

const probe = (overrides: Partial<ContextDeclaration>): ContextDeclaration => ({
  name: 'probe',
  module: ProbeModule,
  errors: { probe_refused: 422 },
  events: { 'probe.happened': { version: 1 } },
  ...overrides,
});
const registries = () => ({ catalog: new EventCatalog(), readSide: new ReadSideRegistry() });

describe('context declarations', () => {
  it('registers every context of the service: statuses, event versions, projections and reactions', () => {
    const { catalog, readSide } = registries();
    registerContexts([identityContext, sessionsContext, apiKeysContext], { catalog, readSide });
    expect(statusOfErrorCode('invalid_credentials')).toBe(401);
    expect(statusOfErrorCode('account_locked')).toBe(423);
    expect(statusOfErrorCode('api_key_inactive')).toBe(409);
    expect(catalog.schemaVersion('session.started')).toBe(1);
    expect(catalog.schemaVersion('account.registered')).toBe(1);
    expect(readSide.projections.map((projection) => projection.name).sort()).toEqual([
      'account-profile',
      'account-sessions',
      'api-key-listing',
    ]);
    expect(readSide.reactions.map((reaction) => reaction.name).sort()).toEqual([
      'accounts.password-reset-email',
      'accounts.verification-email',
      'api-keys.account-key-revocations',
      'sessions.account-session-ends',
    ]);
  });

  it('registers audit, billing and recovery from their declarations, not from their modules', () => {
    const { catalog, readSide } = registries();
    registerContexts([mfaContext, billingContext, auditContext, recoveryContext], { catalog, readSide });
    expect(statusOfErrorCode('spending_cap_reached')).toBe(429);
    expect(statusOfErrorCode('dispute_resolved')).toBe(409);
    expect(statusOfErrorCode('evidence_insufficient')).toBe(409);
    expect(catalog.schemaVersion('billing.usage_recorded')).toBe(1);
    expect(catalog.schemaVersion('recovery.case_opened')).toBe(1);
    expect(catalog.schemaVersion('mfa.reset')).toBe(1);
    expect(readSide.projections.map((projection) => projection.name)).toEqual(
      expect.arrayContaining(['audit-trail', 'recovery-cases', 'billing-disputes', 'notifications']),
    );
    expect(readSide.reactions.map((reaction) => reaction.name)).toEqual(
      expect.arrayContaining(['billing.spending-alert-notices', 'mfa.security-notices']),
    );
    // Invoicing is billing's second module: every role imports it after billing's own.
    expect(contextModules([billingContext], 'worker')).toEqual([BillingModule, InvoicingModule]);
  });

  it('declares the personal fields of identity and sessions events', () => {
    expect(identityContext.events['account.registered'].personal).toEqual(['email']);
    expect(sessionsContext.events['session.started'].personal).toEqual(['ip', 'userAgent']);
  });

  it('stops the start on an error code without a valid HTTP status', () => {
    const broken = probe({ errors: { probe_refused: 200 } });
    expect(() => registerContexts([broken], registries())).toThrow(/probe_refused has no valid HTTP status/);
    const missing = probe({ errors: { probe_refused: undefined as unknown as number } });
    expect(() => registerContexts([missing], registries())).toThrow(/probe_refused has no valid HTTP status/);
  });

  it('stops the start on an event type two contexts declare, or one without a schema version', () => {
    const twice = probe({ name: 'copy', events: { 'account.registered': { version: 1 } } });
    expect(() => registerContexts([identityContext, twice], registries())).toThrow(/account.registered declared by identity and copy/);
    expect(() => registerContexts([probe({ events: { 'probe.happened': { version: 0 } } })], registries())).toThrow(
      /no valid schema version/,
    );
  });

  it('gives a worker no module that only serves HTTP (the key-verification cache and the last-used flush)', () => {
    expect(contextModules([apiKeysContext], 'api')).toEqual([ApiKeysModule, ApiKeysHttpModule]);
    expect(contextModules([apiKeysContext], 'embedded')).toEqual([ApiKeysModule, ApiKeysHttpModule]);
    expect(contextModules([apiKeysContext], 'worker')).toEqual([ApiKeysModule]);
  });
});
