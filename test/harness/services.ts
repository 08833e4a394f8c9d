/**
 * Real Redis and InfluxDB for integration tests: each started on free loopback ports with its
 * data in a fresh temporary folder, waited on until it answers, and stopped (SIGTERM, then
 * SIGKILL) with its folder deleted afterwards. A missing binary is an error that says what to
 * install: the tests never skip silently.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const INSTALL_HINT = 'apt-get install redis-server influxdb';

/** A port the kernel says is free now (bound to port 0 on loopback, then released). */
export async function freePort(): Promise<number> {
  return await new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function findBinary(name: string): string {
  for (const dir of (process.env.PATH ?? '').split(':').concat(['/usr/bin', '/usr/sbin', '/usr/local/bin'])) {
    const p = join(dir, name);
    if (dir !== '' && existsSync(p)) return p;
  }
  throw new Error(`${name} not found on PATH: install it with \`${INSTALL_HINT}\` (Debian/Ubuntu)`);
}

/** Sends Redis PING over a raw socket; true on +PONG. */
async function redisPing(port: number): Promise<boolean> {
  return await new Promise((resolve) => {
    const s = new Socket();
    let buf = '';
    const done = (ok: boolean): void => {
      s.destroy();
      resolve(ok);
    };
    s.setTimeout(500, () => done(false));
    s.on('error', () => done(false));
    s.on('data', (d) => {
      buf += d.toString();
      if (buf.includes('\r\n')) done(buf.startsWith('+PONG'));
    });
    s.connect(port, '127.0.0.1', () => s.write('PING\r\n'));
  });
}

async function influxPing(port: number): Promise<boolean> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/ping`, { signal: AbortSignal.timeout(500) });
    await res.arrayBuffer();
    return res.status === 204;
  } catch {
    return false;
  }
}

async function waitFor(
  what: string,
  proc: ChildProcess,
  check: () => Promise<boolean>,
  ms: number,
): Promise<void> {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    if (proc.exitCode !== null)
      throw new Error(`${what} exited with code ${proc.exitCode} before it was ready`);
    if (await check()) return;
    await sleep(50);
  }
  throw new Error(`${what} was not ready after ${ms} ms`);
}

async function stopProcess(proc: ChildProcess | null): Promise<void> {
  if (proc === null || proc.exitCode !== null || proc.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  proc.kill('SIGTERM');
  const timer = setTimeout(() => proc.kill('SIGKILL'), 3000);
  await exited;
  clearTimeout(timer);
}

export interface RedisService {
  readonly port: number;
  readonly url: string;
  /** Kills the server at once (SIGKILL): clients see connection loss, as in a crash. */
  kill(): Promise<void>;
  /** Starts it again on the same port (empty: nothing is saved). */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export async function startRedis(): Promise<RedisService> {
  const bin = findBinary('redis-server');
  const port = await freePort();
  const dir = await mkdtemp(join(tmpdir(), 'sluice-redis-'));
  let proc: ChildProcess | null = null;
  const launch = async (): Promise<void> => {
    proc = spawn(
      bin,
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir],
      {
        stdio: 'ignore',
      },
    );
    await waitFor('redis-server', proc, () => redisPing(port), 10_000);
  };
  await launch();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    async kill() {
      const p = proc as ChildProcess | null;
      if (p === null || p.exitCode !== null) return;
      const exited = new Promise<void>((resolve) => p.once('exit', () => resolve()));
      p.kill('SIGKILL');
      await exited;
    },
    async restart() {
      await stopProcess(proc);
      await launch();
    },
    async stop() {
      await stopProcess(proc);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export interface InfluxService {
  readonly port: number;
  readonly url: string;
  stop(): Promise<void>;
}

function influxConfig(dir: string, httpPort: number, rpcPort: number): string {
  return `reporting-disabled = true
bind-address = "127.0.0.1:${rpcPort}"

[meta]
  dir = "${join(dir, 'meta')}"

[data]
  dir = "${join(dir, 'data')}"
  wal-dir = "${join(dir, 'wal')}"
  query-log-enabled = false
  cache-snapshot-write-cold-duration = "1m"

[monitor]
  store-enabled = false

[http]
  enabled = true
  bind-address = "127.0.0.1:${httpPort}"
  auth-enabled = false
  log-enabled = false

[[graphite]]
  enabled = false

[[collectd]]
  enabled = false

[[opentsdb]]
  enabled = false

[[udp]]
  enabled = false

[continuous_queries]
  enabled = false
`;
}

export async function startInflux(): Promise<InfluxService> {
  const bin = findBinary('influxd');
  const port = await freePort();
  const rpcPort = await freePort();
  const dir = await mkdtemp(join(tmpdir(), 'sluice-influx-'));
  const configFile = join(dir, 'influxdb.conf');
  await writeFile(configFile, influxConfig(dir, port, rpcPort));
  const proc = spawn(bin, ['-config', configFile], { stdio: 'ignore' });
  try {
    await waitFor('influxd', proc, () => influxPing(port), 20_000);
  } catch (e) {
    await stopProcess(proc);
    await rm(dir, { recursive: true, force: true });
    throw e;
  }
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    async stop() {
      await stopProcess(proc);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
