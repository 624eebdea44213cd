// The committed generated code must be exactly what the generator makes from the specs today:
// generated files are never edited by hand, and a spec change without regeneration fails here.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { GENERATED_PROTOCOL_DIR, generate } from '../../scripts/protocol/generate.js';
import { ERRORS, ROOT, SPECS } from '../support/specs.js';

test('committed generated code matches a fresh generation (run npm run gen:protocol)', () => {
  const fresh = generate(SPECS, ERRORS);
  const committed = readdirSync(join(ROOT, GENERATED_PROTOCOL_DIR), { recursive: true })
    .map(String)
    .filter((f) => f.endsWith('.ts'))
    .map((f) => relative(ROOT, join(ROOT, GENERATED_PROTOCOL_DIR, f)));
  const expected = [...fresh.keys()].filter((p) => p.startsWith(GENERATED_PROTOCOL_DIR));
  assert.deepEqual(committed.sort(), expected.sort(), 'the same set of generated files');
  for (const [path, content] of fresh) {
    assert.equal(readFileSync(join(ROOT, path), 'utf8'), content, `${path} is stale or was edited`);
  }
});

test('every API key in the specs has a generated API entry', async () => {
  const { Apis } = await import('../../src/protocol/generated/index.js');
  const keys = new Set(SPECS.filter((s) => s.type === 'request').map((s) => s.apiKey));
  assert.deepEqual(new Set(Object.values(Apis).map((a) => a.apiKey)), keys);
  assert.ok(keys.size >= 80, `expected the full set of Kafka APIs, found ${keys.size}`);
});
