/**
 * Preloaded into a service process by `liveHeapEnv` (service-process.ts): every LIVE_HEAP_INTERVAL_MS it
 * runs a full garbage collection and appends one line `{"at":…,"heapUsedMb":…,"rssMb":…}` to
 * LIVE_HEAP_FILE. The heap used right after a full collection is what the process still holds, the measure
 * of a leak; resident memory is not: under the load test's traffic V8 let the api's heap grow to 180-290 MB
 * between collections and its RSS went from 246 to 357 MB and back while the live heap stayed at 73-76 MB.
 * Needs `--expose-gc`, which liveHeapEnv sets with it.
 */
const fs = require('node:fs');

const file = process.env.LIVE_HEAP_FILE;
const interval = Number(process.env.LIVE_HEAP_INTERVAL_MS ?? 2000);
if (file && typeof globalThis.gc === 'function') {
  const megabytes = (bytes) => Math.round((bytes / 1048576) * 10) / 10;
  setInterval(() => {
    globalThis.gc();
    const { heapUsed, rss } = process.memoryUsage();
    fs.appendFileSync(file, `${JSON.stringify({ at: Date.now(), heapUsedMb: megabytes(heapUsed), rssMb: megabytes(rss) })}\n`);
  }, interval).unref();
}
