// A third reference point: the same KeyVerifier (built, from dist/) behind a raw node:http handler with
// the same input check, service-token comparison and error format, on an in-memory PGlite store. What
// verify costs without Fastify and NestJS in front of it. Prints the keys it issued as one JSON line.
import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { standaloneVerifier } from './standalone-verifier.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const require = createRequire(import.meta.url);
const { toErrorResponse } = require(join(root, 'dist/libs/http/src/index.js'));
const { parseVerifyKeyRequest } = require(join(root, 'dist/libs/api-keys/src/verify-api-key/verify-api-key.dto.js'));

const [port, serviceToken, keyCount] = [Number(process.argv[2]), process.argv[3], Number(process.argv[4] ?? 50)];
const { verifier, keys } = await standaloneVerifier(keyCount, ['chat', 'models']);

const expectedToken = createHash('sha256').update(serviceToken).digest();
const unauthorized = { status: 401, body: { error: 'invalid_service_token', message: 'The service token is missing or not valid' } };

async function answer(request, raw) {
  const header = request.headers.authorization ?? '';
  const token = createHash('sha256')
    .update(header.startsWith('Bearer ') ? header.slice(7) : '')
    .digest();
  if (!timingSafeEqual(token, expectedToken)) return unauthorized;
  try {
    const { key, endpoint } = parseVerifyKeyRequest(JSON.parse(raw));
    return { status: 200, body: await verifier.verify(key, endpoint) };
  } catch (error) {
    return toErrorResponse(error);
  }
}

const server = createServer((request, response) => {
  const chunks = [];
  request.on('data', (chunk) => chunks.push(chunk));
  request.on('end', async () => {
    const { status, body } = await answer(request, Buffer.concat(chunks).toString('utf8'));
    const text = JSON.stringify(body);
    response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
    response.end(text);
  });
});
server.listen(port, '127.0.0.1', () => process.stdout.write(`${JSON.stringify(keys)}\n`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
