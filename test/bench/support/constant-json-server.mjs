// The reference point of the HTTP benchmarks: bare node:http answering one constant JSON body after
// reading the request body, as a verify call would. With `contract-headers` it also sends what every
// answer of the contract carries (helmet's list and an `x-request-id`), built once: the client parses
// 17 header lines instead of 5, which on 2 shared cores is part of what the api is measured against.
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const body = JSON.stringify({
  valid: true,
  accountId: '00000000-0000-4000-8000-000000000000',
  keyId: 'AAAAAAAAAAAAAAAAAAAAAA',
  scopes: ['chat'],
});
const [port, variant] = [Number(process.argv[2]), process.argv[3]];
let answer = (response) => {
  response.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
  response.end(body);
};
if (variant === 'contract-headers') {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
  const { securityHeaderList } = createRequire(import.meta.url)(join(root, 'dist/libs/http/src/security-headers.js'));
  const headers = [
    'content-type',
    'application/json; charset=utf-8',
    'content-length',
    String(Buffer.byteLength(body)),
    'x-request-id',
    '',
    ...securityHeaderList(),
  ];
  answer = (response) => {
    headers[5] = randomUUID();
    response.writeHead(200, headers);
    response.end(body);
  };
}
const server = createServer((request, response) => {
  request.resume();
  request.on('end', () => answer(response));
});
server.listen(port, '127.0.0.1');
process.on('SIGTERM', () => server.close(() => process.exit(0)));
