// The Kafka specs the codecs are generated from, loaded once for tests.
import { existsSync } from 'node:fs';
import { projectRoot } from '../../scripts/project-root.js';
import {
  defaultSpecDir,
  loadErrors,
  loadSpecs,
  type ErrorSpec,
  type MessageSpec,
} from '../../scripts/protocol/spec.js';

export const ROOT = projectRoot(import.meta.url);
export const SPEC_DIR = defaultSpecDir(ROOT);

if (!existsSync(SPEC_DIR)) {
  throw new Error(
    `Kafka protocol specs not found at ${SPEC_DIR}; set SAMSA_PROTOCOL_SPECS to their folder`,
  );
}

export const SPECS: MessageSpec[] = loadSpecs(SPEC_DIR);
export const ERRORS: ErrorSpec[] = loadErrors(SPEC_DIR);
