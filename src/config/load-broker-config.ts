// Loads the broker config at start-up: a server.properties file (Java properties syntax) and
// `--override key=value` arguments, overrides applied after the file so they win. The one module
// of src/config that touches the file system.
import { readFileSync } from 'node:fs';
import type { BrokerConfig } from './broker-config.js';
import { BrokerConfigError } from './config-error.js';
import { parseProperties } from './properties.js';
import { buildBrokerConfig, type StaticConfigEntry } from './static-config.js';

export interface BrokerConfigArgs {
  /** Path of the server.properties file; none = Kafka's defaults with Samsa's differences. */
  readonly file?: string;
  /** `key=value` strings from --override, applied in order after the file. */
  readonly overrides?: readonly string[];
}

/** Parses one --override argument; `key=` sets the empty string, as Kafka's does. */
export function parseOverride(arg: string): StaticConfigEntry {
  const eq = arg.indexOf('=');
  const key = eq < 0 ? '' : arg.slice(0, eq).trim();
  if (key === '') {
    // Kafka would take a bare `key` as key=""; an explicit = avoids silently blanking a value.
    throw new BrokerConfigError(
      'SAMSA_ERR_CONFIG_SYNTAX',
      `Expected --override key=value, got "${arg}"`,
      {},
    );
  }
  return { key, value: arg.slice(eq + 1), origin: { kind: 'override', arg } };
}

/** The entries of a properties file, each with its line. */
export function readBrokerConfigFile(file: string): StaticConfigEntry[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new BrokerConfigError(
      'SAMSA_ERR_CONFIG_FILE_UNREADABLE',
      `Cannot read broker config file ${file}: ${reason}`,
      { cause: err },
    );
  }
  return parseProperties(text, file).map(({ key, value, line }) => ({
    key,
    value,
    origin: { kind: 'file', file, line },
  }));
}

/** The checked broker config of a file and overrides; throws BrokerConfigError (a SamsaError). */
export function loadBrokerConfig(args: BrokerConfigArgs = {}): BrokerConfig {
  const entries = args.file === undefined ? [] : readBrokerConfigFile(args.file);
  for (const arg of args.overrides ?? []) entries.push(parseOverride(arg));
  return buildBrokerConfig(entries);
}
