// configs.json (read from beside the project, never copied into it), loaded once for the config tests.
import { existsSync } from 'node:fs';
import { projectRoot } from '../../scripts/project-root.js';
import {
  defaultConfigSpecsPath,
  loadConfigSpecs,
  type ConfigsSpec,
} from '../../scripts/configs/spec.js';

export const ROOT = projectRoot(import.meta.url);
export const CONFIG_SPECS_PATH = defaultConfigSpecsPath(ROOT);

if (!existsSync(CONFIG_SPECS_PATH)) {
  throw new Error(
    `configs.json not found at ${CONFIG_SPECS_PATH}; set SAMSA_CONFIG_SPECS to its path`,
  );
}

export const CONFIG_SPECS: ConfigsSpec = loadConfigSpecs(CONFIG_SPECS_PATH);
