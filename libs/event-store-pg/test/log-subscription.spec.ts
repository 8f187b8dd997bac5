import { defaultSubscriptionSettings, LogBatch, LogSubscription } from '../src/log-subscription';

const running: LogSubscription[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((subscription) => subscription.stop()));
});

/** A log with nothing in it that counts its reads: each read after the first is a wake (the poll is an hour). */
function subscriptionCountingReads(typePrefixes?: readonly string[]) {
  let reads = 0;
  let readSeen: () => void = () => undefined;
  const subscription = new LogSubscription(
    async (): Promise<LogBatch> => {
      reads++;
      readSeen();
      return { events: [], safeHead: 0n };
    },
    { typePrefixes },
    async () => undefined,
    { ...defaultSubscriptionSettings, pollIntervalMs: 3_600_000 },
    () => undefined,
  );
  running.push(subscription);
  const nextRead = (withinMs: number) =>
    new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), withinMs);
      readSeen = () => {
        clearTimeout(timer);
        resolve(true);
      };
    });
  return { subscription, reads: () => reads, nextRead };
}

const asleep = () => new Promise((resolve) => setTimeout(resolve, 20));

describe('LogSubscription.wake', () => {
  it('reads at once for an append of a type it follows, and stays asleep for one it does not', async () => {
    const { subscription, reads, nextRead } = subscriptionCountingReads(['account.']);
    await asleep();
    expect(reads()).toBe(1);

    const ignored = nextRead(100);
    subscription.wake(['sign_in_guard.failure_recorded', 'api_key.created']);
    expect(await ignored).toBe(false);

    const read = nextRead(1_000);
    subscription.wake(['api_key.created', 'account.registered']);
    expect(await read).toBe(true);
    expect(reads()).toBe(2);
  });

  it('reads for any type when it follows every type, and for none when its list is empty', async () => {
    const everything = subscriptionCountingReads(undefined);
    const nothing = subscriptionCountingReads([]);
    await asleep();
    const [woke, stayed] = [everything.nextRead(1_000), nothing.nextRead(100)];
    everything.subscription.wake(['anything.at_all']);
    nothing.subscription.wake(['anything.at_all']);
    expect(await woke).toBe(true);
    expect(await stayed).toBe(false);
    // A wake that names no types (a notification from another process without them) wakes even the empty filter.
    const wokeUnnamed = nothing.nextRead(1_000);
    nothing.subscription.wake();
    expect(await wokeUnnamed).toBe(true);
  });
});
