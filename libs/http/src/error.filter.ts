import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { DomainError } from '@app/ddd';
import { ErrorBody } from './error-body';
import { statusOfErrorCode } from './error-status';
import { BODY_NOT_JSON_MESSAGE, BODY_TOO_LARGE_MESSAGE } from './json-body';
import { loggableError } from './loggable-error';

const codeOfHttpStatus: Record<number, string> = {
  400: 'invalid_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  409: 'conflict',
  413: 'payload_too_large',
  414: 'uri_too_long',
  415: 'unsupported_media_type',
  429: 'rate_limited',
  431: 'headers_too_large',
  503: 'service_unavailable',
};

/** The framework's own words for body errors, replaced by ours so every path answers alike. */
function bodyErrorMessage(status: number, message: string): string {
  if (status === 413) return BODY_TOO_LARGE_MESSAGE;
  if (status === 400 && /not valid JSON|Unexpected (token|end)/i.test(message)) return BODY_NOT_JSON_MESSAGE;
  return message;
}

/** `Retry-After` for a 429 or 503 whose error carries `retryAfter` (seconds), as the contract asks. */
export function retryAfterOf(status: number, body: ErrorBody): string | undefined {
  if (status !== 429 && status !== 503) return undefined;
  const seconds = body.retryAfter;
  return typeof seconds === 'number' && Number.isInteger(seconds) && seconds >= 0 ? String(seconds) : undefined;
}

/** Maps anything thrown to the contract's status and `{ error, message, details? }` body. */
export function toErrorResponse(error: unknown): { status: number; body: ErrorBody } {
  if (error instanceof DomainError) {
    const status = statusOfErrorCode(error.code);
    if (status !== undefined) return { status, body: { ...error.extra, error: error.code, message: error.message } };
  }
  if (error instanceof HttpException) {
    const status = error.getStatus();
    const code = codeOfHttpStatus[status] ?? (status >= 500 ? 'internal_error' : 'invalid_request');
    const response = error.getResponse();
    const message = typeof response === 'string' ? response : ((response as { message?: unknown }).message ?? error.message);
    const text = bodyErrorMessage(status, Array.isArray(message) ? message.join('; ') : String(message));
    return { status, body: { error: code, message: text, ...(status === 400 ? { details: [{ field: 'body', message: text }] } : {}) } };
  }
  const fastifyError = error as { statusCode?: number; code?: string; message?: string };
  if (typeof fastifyError?.statusCode === 'number' && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
    const status = fastifyError.statusCode;
    const code = codeOfHttpStatus[status] ?? 'invalid_request';
    const message = bodyErrorMessage(status, fastifyError.message ?? 'Bad request');
    const details = status === 400 ? [{ field: 'body', message }] : undefined;
    return { status, body: { error: code, message, ...(details ? { details } : {}) } };
  }
  return { status: 500, body: { error: 'internal_error', message: 'Something went wrong on our side' } };
}

@Catch()
export class ErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('http');

  catch(error: unknown, host: ArgumentsHost): void {
    const { status, body } = toErrorResponse(error);
    if (status >= 500) this.logger.error({ err: loggableError(error) }, 'request failed');
    const reply = host.switchToHttp().getResponse();
    const retryAfter = retryAfterOf(status, body);
    if (retryAfter !== undefined) reply.header('retry-after', retryAfter);
    void reply.status(status).header('content-type', 'application/json; charset=utf-8').send(body);
  }
}
