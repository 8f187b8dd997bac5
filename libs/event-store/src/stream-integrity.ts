import { EventStore } from './event-store.port';
import { ChainVerification, verifyChain } from './hash-chain';

/** Reads a stream as stored (no upcasting) and checks its hash chain from revision 0. */
export async function verifyStreamIntegrity(store: EventStore, stream: string): Promise<ChainVerification> {
  return verifyChain(await store.readStream(stream, { direction: 'forwards', raw: true }));
}
