import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

let ticksPerSecond;

/**
 * CPU seconds (user + system) a process has used so far, from /proc (Linux), else null. Per request it
 * is steadier than a rate on a shared machine: other work takes wall time, not this process's CPU.
 */
export function cpuSecondsOf(pid) {
  try {
    ticksPerSecond ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    // the fields after the command name, which is in parentheses and may hold spaces
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
  } catch {
    return null;
  }
}

/**
 * Nanoseconds on CPU so far of each server backend connected to `database` (by pid, from
 * /proc/<pid>/schedstat), asked through `admin`; null when the server is not on this machine (its
 * processes not in /proc).
 */
export async function backendCpuNanos(admin, database) {
  const { rows } = await admin.query('SELECT pid FROM pg_stat_activity WHERE datname = $1', [database]);
  const nanos = new Map();
  for (const { pid } of rows) {
    try {
      nanos.set(pid, Number(readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[0]));
    } catch {
      return null;
    }
  }
  return nanos;
}

/**
 * The CPU the backends used between two readings of `backendCpuNanos`, in nanoseconds: those connected
 * at the second, a backend that connected since counted from zero; null if either reading is.
 */
export function backendCpuNanosBetween(before, after) {
  if (before === null || after === null) return null;
  let nanos = 0;
  for (const [pid, at] of after) nanos += at - (before.get(pid) ?? 0);
  return nanos;
}

/** Resident set size in MB from /proc (Linux); null where there is none. */
export function rssOf(pid) {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : null;
  } catch {
    return null;
  }
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Server stores reach a child only when a benchmark names them: the embedded default stays embedded. */
const SERVER_STORES = { DATABASE_URL: '', REDIS_URL: '', EVENTSTORE_CONNECTION_STRING: '' };

/** Starts a Node.js script as a child process; resolves once `ready()` says it serves. */
export async function startProcess(script, args, { env, ready, timeoutMs = 60_000, nodeArgs = [] }) {
  const child = spawn(process.execPath, [...nodeArgs, script, ...args], {
    env: { ...process.env, ...SERVER_STORES, ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  let exited = false;
  child.once('exit', () => (exited = true));
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exited) throw new Error(`${script} exited before it was ready`);
    if (await ready().catch(() => false)) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${script} not ready within ${timeoutMs} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    child,
    stop: () =>
      new Promise((resolve) => {
        if (exited) return resolve();
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}
