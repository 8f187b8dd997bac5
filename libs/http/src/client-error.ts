import { randomUUID } from 'node:crypto';
import { Socket } from 'node:net';
import { ErrorBody } from './error-body';
import { securityHeaderList } from './security-headers';

const REASONS: Record<number, string> = { 400: 'Bad Request', 408: 'Request Timeout', 431: 'Request Header Fields Too Large' };

function refusalOf(code: string | undefined): { status: number; body: ErrorBody } {
  switch (code) {
    case 'HPE_HEADER_OVERFLOW':
      return { status: 431, body: { error: 'headers_too_large', message: 'The request headers are too large' } };
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return { status: 408, body: { error: 'request_timeout', message: 'The request took too long to arrive' } };
    default: {
      const message = 'The request is not valid HTTP/1.1';
      return { status: 400, body: { error: 'invalid_request', message, details: [{ field: 'request', message }] } };
    }
  }
}

/**
 * What the HTTP parser refuses before any request exists (an oversized header block, both
 * Transfer-Encoding and Content-Length, a malformed request line): answered in the contract's shape,
 * then the connection is closed, as Node itself does.
 */
export function contractClientErrorHandler(error: NodeJS.ErrnoException, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  if (socket.writable) {
    const { status, body } = refusalOf(error.code);
    const payload = JSON.stringify(body);
    const headers = securityHeaderList();
    let head = `HTTP/1.1 ${status} ${REASONS[status]}\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(payload)}\r\nx-request-id: ${randomUUID()}\r\nconnection: close\r\n`;
    for (let i = 0; i < headers.length; i += 2) head += `${headers[i]}: ${headers[i + 1]}\r\n`;
    socket.write(`${head}\r\n${payload}`);
  }
  socket.destroy(error);
}
