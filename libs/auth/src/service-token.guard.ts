import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { APP_CONFIG } from '@app/core';
import { DomainError } from '@app/ddd';
import { AuthenticatedRequest, registerErrorStatuses } from '@app/http';
import { constantTimeEquals } from '@app/security';

export class InvalidServiceTokenError extends DomainError<'invalid_service_token'> {
  constructor() {
    super('invalid_service_token', 'The service token is missing or not valid');
  }
}

registerErrorStatuses({ invalid_service_token: 401 });

export function bearerToken(request: AuthenticatedRequest): string | undefined {
  const header = request.headers.authorization;
  if (typeof header !== 'string') return undefined;
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  return match?.[1];
}

/** The platform backend: `Authorization: Bearer <one of PLATFORM_SERVICE_TOKENS>`, compared in constant time. */
@Injectable()
export class ServiceTokenGuard implements CanActivate {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const token = bearerToken(request);
    // Compare against every token so the time taken does not depend on which one matched.
    let matched = false;
    for (const candidate of this.config.platformServiceTokens) {
      if (token !== undefined && constantTimeEquals(token, candidate)) matched = true;
    }
    if (!matched) throw new InvalidServiceTokenError();
    request.actor = { kind: 'service', id: 'platform' };
    return true;
  }
}
