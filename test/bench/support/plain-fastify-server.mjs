// A second reference point: Fastify alone (the version the app runs on, with a pino logger at warn as the
// app has), one JSON POST route answering a constant. The framework's own floor under any Fastify route.
import Fastify from 'fastify';
import pino from 'pino';

const body = { valid: true, accountId: '00000000-0000-4000-8000-000000000000', keyId: 'AAAAAAAAAAAAAAAAAAAAAA', scopes: ['chat'] };
const app = Fastify({ loggerInstance: pino({ level: 'warn' }) });
app.post('/v1/keys/verify', async () => body);
app.post('/', async () => body);
await app.listen({ port: Number(process.argv[2]), host: '127.0.0.1' });
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
