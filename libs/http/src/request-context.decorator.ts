import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Actor } from '@app/event-store';
import { RequestContext } from '@app/ddd';

/** Set by authentication guards; anonymous requests act as `anonymous`. */
export interface AuthenticatedRequest {
  id: string;
  ip: string;
  headers: Record<string, string | string[] | undefined>;
  actor?: Actor;
}

export function requestContextOf(request: AuthenticatedRequest): RequestContext {
  const userAgent = request.headers['user-agent'];
  return {
    actor: request.actor ?? { kind: 'account', id: 'anonymous' },
    correlationId: typeof request.id === 'string' && request.id ? request.id : randomUUID(),
    ip: request.ip,
    userAgent: typeof userAgent === 'string' ? userAgent.slice(0, 512) : undefined,
  };
}

/** The metadata every event written by this request carries (actor, correlation id, ip, user agent). */
export const Context = createParamDecorator((_data: unknown, ctx: ExecutionContext): RequestContext =>
  requestContextOf(ctx.switchToHttp().getRequest<AuthenticatedRequest>()),
);
