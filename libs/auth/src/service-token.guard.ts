import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { hash, timingSafeEqual } from 'node:crypto';
import { IncomingHttpHeaders } from 'node:http';
import { AppConfig } from '@app/config';
import { DomainError } from '@app/ddd';
import { AuthenticatedRequest } from '@app/http';

export class InvalidServiceTokenError extends DomainError<'invalid_service_token'> {
  constructor() {
    super('invalid_service_token', 'The service token is missing or not valid');
  }
}

export function bearerToken(request: { headers: IncomingHttpHeaders | AuthenticatedRequest['headers'] }): string | undefined {
  const header = request.headers.authorization;
  if (typeof header !== 'string') return undefined;
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  return match?.[1];
}

const digest = (value: string): Buffer => hash('sha256', value, 'buffer');

/**
 * The platform backend's tokens (`PLATFORM_SERVICE_TOKENS`), hashed once. A presented token is hashed
 * once and compared with every configured one in constant time, so neither its length nor which
 * token matched shows in the time taken.
 */
export class ServiceTokens {
  private readonly digests: readonly Buffer[];

  constructor(tokens: readonly string[]) {
    this.digests = tokens.map(digest);
  }

  static fromConfig(config: AppConfig): ServiceTokens {
    return new ServiceTokens(config.platformServiceTokens);
  }

  /** Throws 401 `invalid_service_token` unless the request carries one of the tokens. */
  authenticate(headers: IncomingHttpHeaders | AuthenticatedRequest['headers']): void {
    const token = bearerToken({ headers });
    if (token === undefined) throw new InvalidServiceTokenError();
    const presented = digest(token);
    let matched = false;
    for (const candidate of this.digests) matched = timingSafeEqual(presented, candidate) || matched;
    if (!matched) throw new InvalidServiceTokenError();
  }
}

/** The platform backend: `Authorization: Bearer <one of PLATFORM_SERVICE_TOKENS>`. */
@Injectable()
export class ServiceTokenGuard implements CanActivate {
  constructor(private readonly tokens: ServiceTokens) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    this.tokens.authenticate(request.headers);
    request.actor = { kind: 'service', id: 'platform' };
    return true;
  }
}
