import { Type } from '@nestjs/common';
import { apiKeysContext } from '@app/api-keys';
import { AuditModule } from '@app/audit';
import { BillingModule, InvoicingModule } from '@app/billing';
import { ContextDeclaration } from '@app/core';
import { identityContext } from '@app/identity';
import { mfaContext } from '@app/mfa';
import { RecoveryModule } from '@app/recovery';
import { sessionsContext } from '@app/sessions';

/** Every bounded context of the service, as each declares itself. Add yours here (see CONTRIBUTING.md). */
export const contexts: readonly ContextDeclaration[] = [identityContext, sessionsContext, apiKeysContext, mfaContext];

/**
 * Contexts that still register themselves from their module's constructor (they landed before the
 * declarations did): imported by every role until each is converted to a `ContextDeclaration`.
 */
export const modulesNotYetDeclared: readonly Type<unknown>[] = [AuditModule, BillingModule, InvoicingModule, RecoveryModule];
