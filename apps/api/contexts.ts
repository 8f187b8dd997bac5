import { apiKeysContext } from '@app/api-keys';
import { ContextDeclaration } from '@app/core';
import { identityContext } from '@app/identity';
import { sessionsContext } from '@app/sessions';

/** Every bounded context of the service, as each declares itself. Add yours here (see CONTRIBUTING.md). */
export const contexts: readonly ContextDeclaration[] = [identityContext, sessionsContext, apiKeysContext];
