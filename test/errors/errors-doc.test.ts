// docs/errors.md is the user-facing list of Samsa's error codes — the broker's SamsaError codes and
// the CLI client's ClientError codes; it must name every one.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ClientErrorCodes } from '../../src/cli/client/errors.js';
import { SamsaErrorCodes } from '../../src/errors/samsa-error.js';
import { projectRoot } from '../../scripts/project-root.js';

test('docs/errors.md documents every SAMSA_ERR_* code, and no code that does not exist', () => {
  const doc = readFileSync(join(projectRoot(import.meta.url), 'docs', 'errors.md'), 'utf8');
  const documented = new Set(doc.match(/SAMSA_ERR_[A-Z0-9_]+/g) ?? []);
  const codes = [...Object.keys(SamsaErrorCodes), ...Object.keys(ClientErrorCodes)];
  assert.equal(new Set(codes).size, codes.length, 'a client code repeats a SamsaError code');
  assert.deepEqual([...documented].sort(), codes.sort());
});
