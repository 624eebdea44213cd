// Regenerates the protocol codecs and error table from Kafka's JSON specs.
// Usage: npm run gen:protocol [-- <spec dir>]   (default: ../shared/kafka-protocol)
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { GENERATED_PROTOCOL_DIR, generate } from './protocol/generate.js';
import { defaultSpecDir, loadErrors, loadSpecs } from './protocol/spec.js';
import { projectRoot } from './project-root.js';

const root = projectRoot(import.meta.url);
const specDir = process.argv[2] ?? defaultSpecDir(root);
const files = generate(loadSpecs(specDir), loadErrors(specDir));

// Files of APIs that left the specs must not linger, so the generated dir is rebuilt whole.
rmSync(join(root, GENERATED_PROTOCOL_DIR), { recursive: true, force: true });
for (const [path, content] of files) {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), content);
}
const count = readdirSync(join(root, GENERATED_PROTOCOL_DIR), { recursive: true }).length;
console.log(
  `Generated ${files.size} files (${count} entries under ${GENERATED_PROTOCOL_DIR}) from ${specDir}`,
);
