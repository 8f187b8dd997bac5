import { apiKeysContext } from '@app/api-keys';
import { auditContext } from '@app/audit';
import { billingContext } from '@app/billing';
import { ContextDeclaration } from '@app/core';
import { identityContext } from '@app/identity';
import { mfaContext } from '@app/mfa';
import { recoveryContext } from '@app/recovery';
import { sessionsContext } from '@app/sessions';

/** Every bounded context of the service, as each declares itself. Add yours here (see CONTRIBUTING.md). */
export const contexts: readonly ContextDeclaration[] = [
  identityContext,
  sessionsContext,
  apiKeysContext,
  mfaContext,
  auditContext,
  billingContext,
  recoveryContext,
];
