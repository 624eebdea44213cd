// docs/errors.md is the user-facing list of Samsa's internal error codes; it must name every one.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { SamsaErrorCodes } from '../../src/errors/samsa-error.js';
import { projectRoot } from '../../scripts/project-root.js';

test('docs/errors.md documents every SAMSA_ERR_* code, and no code that does not exist', () => {
  const doc = readFileSync(join(projectRoot(import.meta.url), 'docs', 'errors.md'), 'utf8');
  const documented = new Set(doc.match(/SAMSA_ERR_[A-Z0-9_]+/g) ?? []);
  assert.deepEqual([...documented].sort(), Object.keys(SamsaErrorCodes).sort());
});
