// Captures from the real clients again, now: what each sends today must decode whole, round-trip
// byte for byte and carry what it was made to send, and use the same API versions as the committed
// fixtures (when a client upgrade changes them, regenerate: npx tsx scripts/capture-golden.ts).
// kcat and python3-confluent-kafka come from scripts/install-test-deps.sh (npm test runs it); if
// either is missing these tests fail, they never skip.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Kafka, logLevel } from 'kafkajs';
import { Apis } from '../../../src/protocol/generated/index.js';
import { CaptureServer } from '../../support/capture/capture-server.js';
import { runChild } from '../../support/capture/client-capture.js';
import { DRIVERS } from '../../support/capture/drivers/index.js';
import { apiName, goldenRoot, readFixtures } from '../../support/capture/fixtures.js';
import { ClientFrameChecker } from '../../support/capture/frame-checks.js';
import { SCENARIOS } from '../../support/capture/scenarios.js';

const root = goldenRoot(import.meta.url);

function versionsOf(frames: readonly { apiKey: number; apiVersion: number }[]): string[] {
  return [...new Set(frames.map((f) => `${apiName(f.apiKey)} v${f.apiVersion}`))].sort();
}

for (const scenario of SCENARIOS) {
  test(
    `${scenario.dir} today: every request decodes, round-trips and matches the golden versions`,
    { timeout: 30_000 },
    async () => {
      const drive = DRIVERS.get(scenario.dir);
      assert.ok(drive !== undefined, `no capture driver for ${scenario.dir}`);
      const capture = await drive();
      assert.deepEqual(capture.problems, [], 'requests the capture server could not answer');
      assert.ok(capture.frames.length > 0, 'the client sent nothing');
      const checker = new ClientFrameChecker(scenario);
      capture.frames.forEach((f, i) =>
        checker.check(f.bytes, `${scenario.dir} live frame ${i} (${f.run})`),
      );
      checker.finish();
      const golden = readFixtures(root, scenario.dir).manifest;
      assert.deepEqual(
        versionsOf(capture.frames),
        versionsOf(golden.frames),
        `${scenario.dir} now sends other API versions than the committed fixtures (${golden.clientVersion}); regenerate them`,
      );
    },
  );
}

/** ApiVersions frames on the capture server, as [version, connection] pairs in arrival order. */
function apiVersionsFrames(server: CaptureServer): [number, number][] {
  return server.frames
    .filter((f) => f.apiKey === Apis.ApiVersions.apiKey)
    .map((f) => [f.apiVersion, f.connection]);
}

// Kafka answers a too-new ApiVersions with error 35 in the v0 layout (int32 array count) listing
// its ApiVersions range (KIP-511). librdkafka 2.0.2 reads that reply with the flexible (v3) layout,
// finds no usable key list, and retries at v0 rather than at the advertised maximum.
test(
  'librdkafka (kcat) retries ApiVersions at v0 on the same connection after UNSUPPORTED_VERSION',
  { timeout: 20_000 },
  async () => {
    const server = await CaptureServer.start({
      maxVersionCaps: new Map([[Apis.ApiVersions.apiKey, 2]]),
    });
    try {
      const { stdout } = await runChild('kcat', ['-b', server.address, '-L'], {
        timeoutMs: 15_000,
      });
      assert.match(stdout, /1 brokers:/);
      assert.deepEqual(apiVersionsFrames(server).slice(0, 2), [
        [3, 1],
        [0, 1],
      ]);
      assert.ok(
        server.frames.some((f) => f.apiKey === Apis.Metadata.apiKey),
        'kcat went on to ask for metadata',
      );
      assert.deepEqual(server.problems, []);
    } finally {
      await server.close();
    }
  },
);

test(
  'KafkaJS steps ApiVersions down from v2 after UNSUPPORTED_VERSION',
  { timeout: 20_000 },
  async () => {
    const server = await CaptureServer.start({
      maxVersionCaps: new Map([[Apis.ApiVersions.apiKey, 1]]),
    });
    const kafka = new Kafka({
      clientId: 'samsa-golden-kafkajs',
      brokers: [server.address],
      logLevel: logLevel.NOTHING,
      retry: { retries: 0 },
    });
    const admin = kafka.admin();
    try {
      await admin.connect();
      assert.deepEqual(await admin.listTopics(), []);
      assert.deepEqual(apiVersionsFrames(server).slice(0, 2), [
        [2, 1],
        [1, 1],
      ]);
      assert.deepEqual(server.problems, []);
    } finally {
      await admin.disconnect();
      await server.close();
    }
  },
);
