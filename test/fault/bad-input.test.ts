// Bad input never takes the broker down (ARCHITECTURE.md invariant 3). `samsa server` runs as a
// child process, so a crash shows as an exited process rather than a dead test runner, and a
// bare TCP connection sends what no client would: garbage, a 2 GiB frame size, an unknown API
// key, versions the broker does not serve, and seeded random frames — pure noise and mutated
// real client requests (the golden fixtures) — on many connections at once. Kafka's answers:
// a request it cannot parse closes that connection; an ApiVersions request of an unknown
// version gets UNSUPPORTED_VERSION in the v0 layout and the connection stays open (KIP-511).
// Afterwards the broker still serves kcat on a new connection, and an untouched connection
// opened before the abuse still gets answers.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { projectRoot } from '../../scripts/project-root.js';
import { startChildBroker, removeDataDir, type ChildBroker } from '../support/child-broker.js';
import { kcat, kcatConsume } from '../support/kcat.js';
import { RawConnection, readApiVersionsV0, requestFrame } from '../support/raw-connection.js';

const API_VERSIONS = 18;
const METADATA = 3;
const UNSUPPORTED_VERSION = 35;
const CLOSE_TIMEOUT_MS = 5000;

let broker: ChildBroker;
/** Opened before any abuse; must keep working through all of it. */
let bystander: RawConnection;
let bystanderCorrelation = 1000;

before(async () => {
  broker = await startChildBroker();
  bystander = await RawConnection.open(broker.port);
});

after(async () => {
  bystander?.destroy();
  await broker?.stop();
  if (broker !== undefined) removeDataDir(broker.dataDir);
});

/** ApiVersions v0 on a connection; the response must match its correlation id and succeed. */
async function apiVersionsV0(conn: RawConnection, correlationId: number) {
  assert.ok(conn.send(requestFrame({ apiKey: API_VERSIONS, apiVersion: 0, correlationId })));
  const frame = await conn.readFrame(CLOSE_TIMEOUT_MS);
  assert.notEqual(frame, null, 'the broker closed a healthy connection');
  return readApiVersionsV0(frame!);
}

/** The broker process is alive, answers on an old connection and serves a real client. */
async function assertStillServing(): Promise<void> {
  assert.equal(broker.process.running, true, `the broker exited\n${broker.process.describe()}`);
  const id = bystanderCorrelation++;
  const answer = await apiVersionsV0(bystander, id);
  assert.equal(answer.correlationId, id);
  assert.equal(answer.errorCode, 0);
  const { stdout } = await kcat(broker.bootstrap, ['-L']);
  assert.match(
    stdout.toString('utf8'),
    new RegExp(`broker \\d+ at 127\\.0\\.0\\.1:${broker.port}`),
  );
}

async function assertClosedWithoutAnswer(conn: RawConnection, what: string): Promise<void> {
  try {
    assert.equal(await conn.waitClosed(CLOSE_TIMEOUT_MS), true, `${what}: connection left open`);
    assert.equal(
      conn.unread.length,
      0,
      `${what}: the broker answered ${conn.unread.toString('hex')}`,
    );
  } finally {
    conn.destroy();
  }
}

test('garbage bytes close that connection only', async () => {
  // Text: its first four bytes read as a frame size of 1.7 GB.
  const text = await RawConnection.open(broker.port);
  text.send(Buffer.from('GET / HTTP/1.1\r\nHost: samsa\r\n\r\n'));
  await assertClosedWithoutAnswer(text, 'an HTTP request');
  // A small frame whose header is noise (API key 0x7a7a).
  const noise = await RawConnection.open(broker.port);
  noise.send(Buffer.concat([Buffer.from([0, 0, 0, 16]), Buffer.alloc(16, 0x7a)]));
  await assertClosedWithoutAnswer(noise, 'a frame of noise');
  // A frame too short to hold a request header.
  const short = await RawConnection.open(broker.port);
  short.send(Buffer.from([0, 0, 0, 3, 0, 18, 0]));
  await assertClosedWithoutAnswer(short, 'a 3-byte frame');
  await assertStillServing();
});

test('a 2 GiB (or negative) declared frame size is refused at once, without waiting for it', async () => {
  for (const size of [0x7fffffff, -1, -0x80000000, 100 * 1024 * 1024 + 1]) {
    const conn = await RawConnection.open(broker.port);
    const prefix = Buffer.alloc(4);
    prefix.writeInt32BE(size, 0);
    conn.send(Buffer.concat([prefix, Buffer.from([0, 18, 0, 0, 0, 0, 0, 1])]));
    await assertClosedWithoutAnswer(conn, `a declared frame of ${size} bytes`);
  }
  await assertStillServing();
});

test('an unknown API key closes the connection without an answer', async () => {
  for (const apiKey of [9999, -1, 32767]) {
    const conn = await RawConnection.open(broker.port);
    conn.send(requestFrame({ apiKey, apiVersion: 0, correlationId: 7 }));
    await assertClosedWithoutAnswer(conn, `API key ${apiKey}`);
  }
  await assertStillServing();
});

test('ApiVersions of an unknown version gets UNSUPPORTED_VERSION (v0 layout); the connection lives on', async () => {
  const conn = await RawConnection.open(broker.port);
  try {
    // v99 as librdkafka or the Java client would send a newer version: flexible header and body
    // (client software name and version, compact strings, then empty tagged fields).
    const body = Buffer.concat([
      Buffer.from([6]),
      Buffer.from('samsa'),
      Buffer.from([4]),
      Buffer.from('1.0'),
      Buffer.from([0]),
    ]);
    conn.send(
      requestFrame({
        apiKey: API_VERSIONS,
        apiVersion: 99,
        correlationId: 41,
        flexibleHeader: true,
        body,
      }),
    );
    const frame = await conn.readFrame(CLOSE_TIMEOUT_MS);
    assert.notEqual(frame, null, 'the broker closed the connection instead of answering');
    const answer = readApiVersionsV0(frame!);
    assert.equal(answer.correlationId, 41);
    assert.equal(answer.errorCode, UNSUPPORTED_VERSION);
    const own = answer.apiKeys.find(([key]) => key === API_VERSIONS);
    assert.deepEqual(own, [API_VERSIONS, 0, 4], 'KIP-511: the ApiVersions range comes back');
    // The client retries at v0 on the same connection, as librdkafka does.
    const retry = await apiVersionsV0(conn, 42);
    assert.equal(retry.correlationId, 42);
    assert.equal(retry.errorCode, 0);
    assert.ok(retry.apiKeys.some(([key]) => key === METADATA));
  } finally {
    conn.destroy();
  }
  // Any other API at a version the broker does not serve is a request it cannot parse.
  const metadata = await RawConnection.open(broker.port);
  metadata.send(
    requestFrame({ apiKey: METADATA, apiVersion: 99, correlationId: 43, flexibleHeader: true }),
  );
  await assertClosedWithoutAnswer(metadata, 'Metadata v99');
  await assertStillServing();
});

/** mulberry32: a small seeded PRNG, so a failing fuzz run can be replayed with its seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Real request frames (header and body, no size prefix) captured from four clients. */
function goldenFrames(): Buffer[] {
  const dir = join(projectRoot(import.meta.url), 'test', 'fixtures', 'golden');
  return readdirSync(dir, { recursive: true })
    .map(String)
    .filter((f) => f.endsWith('.bin'))
    .sort()
    .map((f) => readFileSync(join(dir, f)));
}

function sized(payload: Buffer): Buffer {
  const prefix = Buffer.alloc(4);
  prefix.writeInt32BE(payload.length, 0);
  return Buffer.concat([prefix, payload]);
}

/** One fuzz frame: noise, a noisy body behind a real header, or a mutated real request. */
function fuzzFrame(random: () => number, seeds: readonly Buffer[]): Buffer {
  const int = (n: number) => Math.floor(random() * n);
  const noise = (n: number) => Buffer.from(Array.from({ length: n }, () => int(256)));
  const kind = int(4);
  if (kind === 0) return sized(noise(int(64)));
  if (kind === 1) {
    // A served API key (0-75) at a version the specs know, then noise.
    const header = requestFrame({
      apiKey: int(76),
      apiVersion: int(13),
      correlationId: int(1 << 30),
    });
    return Buffer.concat([sized(Buffer.concat([header.subarray(4), noise(int(200))]))]);
  }
  const seed = Buffer.from(seeds[int(seeds.length)]!);
  const flips = 1 + int(6);
  for (let i = 0; i < flips && seed.length > 0; i++) seed[int(seed.length)] = int(256);
  // Sometimes cut it short, so the body ends mid-field.
  const payload = kind === 3 ? seed.subarray(0, int(seed.length + 1)) : seed;
  return sized(payload);
}

test('seeded fuzz frames on eight connections at once: the broker stays up and keeps serving', async () => {
  const seed = Number(process.env.SAMSA_FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
  const seeds = goldenFrames();
  assert.ok(seeds.length > 50, 'golden request frames to mutate');
  const random = prng(seed);
  const connections = 8;
  // SAMSA_FUZZ_FRAMES raises the count for a longer local run.
  const framesEach = Number(process.env.SAMSA_FUZZ_FRAMES ?? 60);
  const plans = Array.from({ length: connections }, () =>
    Array.from({ length: framesEach }, () => fuzzFrame(random, seeds)),
  );
  // A real client works on its own connection while the fuzzing goes on.
  const during = kcat(broker.bootstrap, ['-L']);
  await Promise.all(
    plans.map(async (frames) => {
      const conn = await RawConnection.open(broker.port);
      try {
        for (const frame of frames) {
          if (!conn.send(frame)) break;
          await new Promise((resolve) => setImmediate(resolve));
        }
        // Whatever it made of the frames, the broker either closes or keeps reading; give it
        // a moment to do either, then hang up.
        await conn.waitClosed(500);
      } finally {
        conn.destroy();
      }
    }),
  );
  await during;
  try {
    await assertStillServing();
    // And it still stores and serves records.
    await kcat(broker.bootstrap, ['-P', '-t', 'after-fuzz', '-K', ':'], { input: 'k:v\n' });
    const records = await kcatConsume(broker.bootstrap, 'after-fuzz');
    assert.deepEqual(
      records.map((r) => [String(r.offset), r.key?.toString(), r.value?.toString()]),
      [['0', 'k', 'v']],
    );
  } catch (err) {
    throw new Error(`After fuzzing with SAMSA_FUZZ_SEED=${seed}: ${(err as Error).message}`, {
      cause: err,
    });
  }
});
