// Starts a real Samsa broker in-process for a test: port 0 on 127.0.0.1, a fresh temp data dir,
// logs silenced (SAMSA_TEST_LOG=debug shows them). stop() shuts it down and removes the dir
// unless keepData is set (for restart tests).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { loadBrokerConfig } from '../../src/config/index.js';
import { Broker } from '../../src/server/broker.js';

export interface TestBroker {
  broker: Broker;
  /** "127.0.0.1:port" */
  bootstrap: string;
  port: number;
  dataDir: string;
  stop(options?: { keepData?: boolean }): Promise<void>;
}

export async function startBroker(
  options: { overrides?: Record<string, string | number | boolean>; dataDir?: string } = {},
): Promise<TestBroker> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'samsa-test-'));
  const overrides = Object.entries({
    listeners: 'PLAINTEXT://127.0.0.1:0',
    'log.dirs': dataDir,
    ...options.overrides,
  }).map(([k, v]) => `${k}=${String(v)}`);
  const config = loadBrokerConfig({ overrides });
  const logger = pino({ level: process.env.SAMSA_TEST_LOG ?? 'silent' });
  const broker = new Broker({ config, logger, shutdownGraceMs: 2000 });
  await broker.start();
  const port = broker.listeners[0]!.boundPort;
  return {
    broker,
    bootstrap: `127.0.0.1:${port}`,
    port,
    dataDir,
    async stop({ keepData = false } = {}) {
      await broker.stop();
      if (!keepData) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Runs `fn` against a fresh broker, always stopping it (and removing its data) afterwards. */
export async function withBroker(
  fn: (broker: TestBroker) => Promise<void>,
  options: Parameters<typeof startBroker>[0] = {},
): Promise<void> {
  const broker = await startBroker(options);
  try {
    await fn(broker);
  } finally {
    await broker.stop();
  }
}
