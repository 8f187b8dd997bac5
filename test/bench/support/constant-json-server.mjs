// The reference point of the HTTP benchmarks: bare node:http answering one constant JSON body after
// reading the request body, as a verify call would.
import { createServer } from 'node:http';

const body = JSON.stringify({
  valid: true,
  accountId: '00000000-0000-4000-8000-000000000000',
  keyId: 'AAAAAAAAAAAAAAAAAAAAAA',
  scopes: ['chat'],
});
const server = createServer((request, response) => {
  request.resume();
  request.on('end', () => {
    response.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
    response.end(body);
  });
});
server.listen(Number(process.argv[2]), '127.0.0.1');
process.on('SIGTERM', () => server.close(() => process.exit(0)));
