// Golden request frames captured from real clients (test/fixtures/golden, written by
// scripts/capture-golden.ts): every frame decodes whole with the generated codecs at the version it
// names, re-encodes to the identical bytes, and carries what its client was made to send.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import {
  fixtureFileName,
  goldenRoot,
  MANIFEST,
  readFixtures,
} from '../../support/capture/fixtures.js';
import { ClientFrameChecker } from '../../support/capture/frame-checks.js';
import { peekApiKeyAndVersion } from '../../support/capture/request-frame.js';
import { SCENARIOS } from '../../support/capture/scenarios.js';

const root = goldenRoot(import.meta.url);

/** The APIs each client must have been captured sending, at least. */
const EXPECTED_APIS: Readonly<Record<string, readonly string[]>> = {
  kafkajs: ['ApiVersions', 'Metadata', 'Produce'],
  'platformatic-kafka': [
    'ApiVersions',
    'Metadata',
    'Produce',
    'InitProducerId',
    'ListOffsets',
    'Fetch',
  ],
  kcat: ['ApiVersions', 'Metadata', 'Produce', 'ListOffsets', 'Fetch'],
  'confluent-kafka-python': ['ApiVersions', 'Metadata', 'Produce', 'InitProducerId'],
};

test('every client has golden fixtures', () => {
  for (const scenario of SCENARIOS) {
    assert.ok(
      existsSync(join(root, scenario.dir, MANIFEST)),
      `${scenario.dir}: no fixtures; run npx tsx scripts/capture-golden.ts ${scenario.dir}`,
    );
  }
});

for (const scenario of SCENARIOS) {
  describe(`golden fixtures from ${scenario.dir}`, () => {
    const fixtures = readFixtures(root, scenario.dir);
    const { manifest } = fixtures;

    test('the manifest describes the client and lists every frame file', () => {
      assert.equal(manifest.dir, scenario.dir);
      assert.equal(manifest.clientId, scenario.clientId);
      assert.ok(manifest.clientVersion.length > 0 && manifest.runs.length > 0);
      assert.deepEqual(fixtures.unlisted, [], 'frame files the manifest does not list');
      manifest.frames.forEach((entry, i) => {
        assert.equal(
          entry.file,
          fixtureFileName(i, entry),
          'file named by sequence, API and version',
        );
      });
      const fromFiles = fixtures.frames.map(({ bytes }) => peekApiKeyAndVersion(bytes));
      const fromManifest = manifest.frames.map(({ apiKey, apiVersion }) => ({
        apiKey,
        apiVersion,
      }));
      assert.deepEqual(
        fromFiles,
        fromManifest,
        'API key and version in each file match the manifest',
      );
      const apis = new Set(manifest.frames.map((f) => f.apiName));
      for (const api of EXPECTED_APIS[scenario.dir] ?? [])
        assert.ok(apis.has(api), `${api} was captured`);
    });

    for (const { entry, bytes } of fixtures.frames) {
      test(`${entry.file} decodes whole, round-trips byte for byte, and says what was sent`, () => {
        assert.equal(bytes.length, entry.size);
        new ClientFrameChecker(scenario).check(bytes, `${scenario.dir}/${entry.file}`, {
          apiKey: entry.apiKey,
          apiVersion: entry.apiVersion,
          correlationId: entry.correlationId,
        });
      });
    }

    test('every scenario topic received exactly the records sent, in order', () => {
      const checker = new ClientFrameChecker(scenario);
      for (const { entry, bytes } of fixtures.frames)
        checker.check(bytes, `${scenario.dir}/${entry.file}`);
      checker.finish();
    });
  });
}
