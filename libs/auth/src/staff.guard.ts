import { applyDecorators, CanActivate, ExecutionContext, Injectable, SetMetadata, UseGuards } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiBearerAuth, ApiForbiddenResponse, ApiTags } from '@nestjs/swagger';
import { ForbiddenError } from '@app/http';
import { AccountAuthGuard, AccountRequest } from './account-auth.guard';
import { StaffRole } from './authenticated-account';

const REQUIRED_ROLES = 'auth:required-staff-roles';

/** The staff roles that may use a route (any one of them). Roles do not imply each other. */
export const RequireRoles = (...roles: StaffRole[]) => SetMetadata(REQUIRED_ROLES, roles);

/** Who a role's holder is, as the documented 403 names them. */
const HOLDER_OF: Record<StaffRole, string> = {
  admin: 'an admin',
  auditor: 'an auditor',
  support: 'support staff',
  billing: 'billing staff',
};

/**
 * A staff controller's class decorators: its tag, bearer auth, the guard with its roles and the
 * documented 403 (a handler's own `@ApiForbiddenResponse` replaces it where a route refuses more).
 */
export const StaffRoutes = (tag: string, ...roles: StaffRole[]) =>
  applyDecorators(
    ApiTags(tag),
    ApiBearerAuth(),
    UseGuards(StaffGuard),
    RequireRoles(...roles),
    ApiForbiddenResponse({ description: `forbidden: not ${roles.map((role) => HOLDER_OF[role]).join(' or ')}` }),
  );

/** The roles `@RequireRoles` names on a handler or, failing that, on its controller (the API reference lists them). */
export function requiredRolesOf(controller: object, handler: object): readonly StaffRole[] {
  return Reflect.getMetadata(REQUIRED_ROLES, handler) ?? Reflect.getMetadata(REQUIRED_ROLES, controller) ?? [];
}

/**
 * Staff routes: authenticates like `AccountAuthGuard` when that has not run yet, then 403 `forbidden`
 * unless the account holds one of the `@RequireRoles(...)` roles. Events written by the request then
 * name the actor as `staff`.
 */
@Injectable()
export class StaffGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly accountAuth: AccountAuthGuard,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<AccountRequest>();
    if (!request.account) await this.accountAuth.canActivate(context);
    const account = request.account!;
    const required =
      this.reflector.getAllAndOverride<StaffRole[] | undefined>(REQUIRED_ROLES, [context.getHandler(), context.getClass()]) ?? [];
    if (!required.some((role) => account.roles.includes(role))) throw new ForbiddenError();
    request.actor = { kind: 'staff', id: account.accountId };
    return true;
  }
}
