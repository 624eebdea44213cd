// Captures golden request frames from real Kafka clients into test/fixtures/golden/<client>/:
// starts the capture server (test/support/capture) on 127.0.0.1, drives each client against it,
// checks every frame the way the golden tests will, and only then replaces that client's fixtures
// and manifest. Finally rewrites test/fixtures/golden/README.md from the manifests on disk.
//
// Usage: npx tsx scripts/capture-golden.ts [client-dir …]   (default: every client)
// Needs kcat and python3-confluent-kafka: bash scripts/install-test-deps.sh
import { existsSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { DRIVERS } from '../test/support/capture/drivers/index.js';
import { ClientFrameChecker } from '../test/support/capture/frame-checks.js';
import {
  buildManifest,
  goldenRoot,
  listFixtureDirs,
  MANIFEST,
  readFixtures,
  REGENERATE,
  writeFixtures,
  type Manifest,
} from '../test/support/capture/fixtures.js';
import { projectRoot } from './project-root.js';

const root = projectRoot(import.meta.url);
const golden = goldenRoot(import.meta.url);

function versionsSent(manifest: Manifest): string {
  const byApi = new Map<string, Set<number>>();
  for (const f of manifest.frames)
    byApi.set(f.apiName, (byApi.get(f.apiName) ?? new Set()).add(f.apiVersion));
  return [...byApi]
    .map(([api, versions]) => `${api} v${[...versions].sort((a, b) => a - b).join('/')}`)
    .join(', ');
}

function readme(manifests: Manifest[]): string {
  const rows = manifests.map(
    (m) =>
      `| \`${m.dir}/\` | ${m.client} ${m.clientVersion} | ${m.frames.length} | ${versionsSent(m)} |`,
  );
  return `# Golden request frames from real Kafka clients

Written by \`scripts/capture-golden.ts\`; do not edit by hand. Each \`<client>/NNN-<api>-v<version>.bin\`
is one request frame exactly as the client sent it (request header and body: the bytes after the
int32 size prefix), in arrival order. \`manifest.json\` says which client and version sent them, how it
was driven (the exact commands and calls), what the capture server advertised, and per frame its
API key, version, correlation id, client id, connection and run.

| directory | client | frames | APIs and versions sent |
| --- | --- | --- | --- |
${rows.join('\n')}

## How they were captured

\`test/support/capture/\` holds a small Kafka-speaking capture server built on the generated codecs:
one node on 127.0.0.1 (port 0), topics auto-created with one partition, answering ApiVersions
(Kafka 3.9's ranges for the APIs it serves), Metadata, Produce, Fetch, ListOffsets, InitProducerId
and FindCoordinator well enough to lead a client through producing and consuming. It records every
frame. The drivers
in \`test/support/capture/drivers/\` run each client against it with the records, topics and codecs
in \`test/support/capture/scenarios.ts\` (one topic per codec). Before a client's fixtures are
replaced, every frame is checked as \`test/interop/golden/golden-fixtures.test.ts\` checks it.

## Regenerate

\`\`\`sh
bash scripts/install-test-deps.sh   # kcat and python3-confluent-kafka, via apt
${REGENERATE}            # every client, or name some: … kcat kafkajs
\`\`\`

Timestamps, producer ids and compressed bytes change from one capture to the next, so regenerating
rewrites every file; the tests check structure and contents, never these bytes against constants.

## What the clients did that a broker must expect

- librdkafka 2.0.2 (kcat, confluent-kafka) sends LZ4 batches only when the broker advertises
  FindCoordinator: without it, \`-z lz4\` silently produces uncompressed batches.
- librdkafka 2.0.2 answers a too-new ApiVersions (error 35, v0 body layout) by retrying at v0, on the
  same connection: it reads the reply's key list with the flexible layout and finds none.
- KafkaJS and @platformatic/kafka write producerEpoch 0 and baseSequence 0 (librdkafka -1, -1) in
  batches of non-idempotent producers whose producer id is -1.
- @platformatic/kafka sends InitProducerId with producerId 0 and producerEpoch 0 (not -1, -1) for a
  fresh non-transactional idempotent producer, asks for topic authorized operations in Metadata,
  and opens Fetch with sessionId 0 / sessionEpoch 0 (asking for a new fetch session);
  librdkafka 2.0.2 uses sessionEpoch -1 (no session). Both fetch with isolation level 1
  (read_committed).
- KafkaJS sends ApiVersions once per client, not per connection: later connections start with
  Metadata.
- librdkafka consumers and \`kcat -L\` also send Metadata with an empty topic list (brokers only) and
  allowAutoTopicCreation false; \`kcat -L\` lists all topics with a null list.
`;
}

async function main(): Promise<number> {
  const wanted = process.argv.slice(2);
  const unknown = wanted.filter((w) => !DRIVERS.has(w));
  if (unknown.length > 0) {
    console.error(
      `Unknown client ${unknown.join(', ')}; choose from ${[...DRIVERS.keys()].join(', ')}`,
    );
    return 2;
  }
  let failures = 0;
  for (const [dir, drive] of DRIVERS) {
    if (wanted.length > 0 && !wanted.includes(dir)) continue;
    try {
      const capture = await drive();
      if (capture.problems.length > 0) {
        throw new Error(`the capture server could not answer:\n  ${capture.problems.join('\n  ')}`);
      }
      const checker = new ClientFrameChecker(capture.scenario);
      capture.frames.forEach((f, i) => checker.check(f.bytes, `${dir} frame ${i}`));
      checker.finish();
      const manifest = buildManifest(capture);
      const written = writeFixtures(golden, manifest, capture.frames);
      console.log(
        `${dir}: ${manifest.frames.length} frames → ${relative(root, written)}/ (${versionsSent(manifest)})`,
      );
    } catch (err) {
      failures++;
      console.error(`${dir}: capture failed: ${(err as Error).stack ?? String(err)}`);
    }
  }
  const manifests = listFixtureDirs(golden)
    .filter((d) => existsSync(join(golden, d, MANIFEST)))
    .map((d) => readFixtures(golden, d).manifest);
  writeFileSync(join(golden, 'README.md'), readme(manifests));
  return failures === 0 ? 0 : 1;
}

// Client libraries may leave timers behind; the capture is done when main() is.
process.exit(await main());
