// Regenerates src/config/generated/ from configs.json (Kafka's topic and broker config definitions).
// Usage: npm run gen:configs [-- <configs.json>]   (default: ../shared/reference/configs.json,
// or SAMSA_CONFIG_SPECS)
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { GENERATED_CONFIG_DIR, generateConfigs } from './configs/generate.js';
import { defaultConfigSpecsPath, loadConfigSpecs } from './configs/spec.js';
import { projectRoot } from './project-root.js';

const root = projectRoot(import.meta.url);
const specPath = process.argv[2] ?? defaultConfigSpecsPath(root);
const files = generateConfigs(loadConfigSpecs(specPath));

// Files that left the generator's output must not linger, so the generated dir is rebuilt whole.
rmSync(join(root, GENERATED_CONFIG_DIR), { recursive: true, force: true });
for (const [path, content] of files) {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), content);
}
console.log(`Generated ${files.size} file(s) under ${GENERATED_CONFIG_DIR} from ${specPath}`);
