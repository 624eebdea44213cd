// Client properties as Kafka's console and perf tools take them: a properties file
// (--producer.config, --consumer.config, --reader-config, --formatter-config) overridden by
// `key=value` flags (--producer-property, --consumer-property, --property, --producer-props).
// Values are checked where they are read, with Kafka's wording for a bad value.
import { readFileSync } from 'node:fs';
import { parseProperties } from '../config/index.js';
import { UsageError } from './args.js';
import { DEFAULT_BOOTSTRAP, type ClientOptions } from './client/index.js';
import { samsaVersion } from './version.js';

export type Properties = Map<string, string>;

/** Every key of a Java properties file. */
export function readPropertiesFile(file: string, flag: string): Properties {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(
      `Cannot read ${flag} file ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
    );
  }
  return new Map(parseProperties(text, file).map((e) => [e.key, e.value]));
}

/** `key=value` arguments (split at the first "="), Kafka's CommandLineUtils.parseKeyValueArgs. */
export function parseKeyValues(values: readonly string[], flag: string): Properties {
  const props: Properties = new Map();
  for (const v of values) {
    const eq = v.indexOf('=');
    if (eq <= 0) {
      throw new UsageError(`Invalid ${flag} "${v}": expected key=value`);
    }
    props.set(v.slice(0, eq), v.slice(eq + 1));
  }
  return props;
}

/** A file's properties overridden by flag values, Kafka's precedence. */
export function mergeProperties(...layers: Properties[]): Properties {
  const out: Properties = new Map();
  for (const layer of layers) for (const [k, v] of layer) out.set(k, v);
  return out;
}

export function intProperty(
  props: Properties,
  key: string,
  options: { min?: number } = {},
): number | undefined {
  const text = props.get(key)?.trim();
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!/^-?\d+$/.test(text) || !Number.isSafeInteger(n)) {
    throw new UsageError(
      `Invalid value ${text} for configuration ${key}: Not a number of type INT`,
    );
  }
  if (options.min !== undefined && n < options.min) {
    throw new UsageError(
      `Invalid value ${text} for configuration ${key}: Value must be at least ${options.min}`,
    );
  }
  return n;
}

export function boolProperty(props: Properties, key: string): boolean | undefined {
  const text = props.get(key)?.trim().toLowerCase();
  if (text === undefined) return undefined;
  if (text !== 'true' && text !== 'false') {
    throw new UsageError(
      `Invalid value ${props.get(key)} for configuration ${key}: Expected value to be either true or false`,
    );
  }
  return text === 'true';
}

export function choiceProperty<T extends string>(
  props: Properties,
  key: string,
  choices: readonly T[],
): T | undefined {
  const text = props.get(key)?.trim();
  if (text === undefined) return undefined;
  const found = choices.find((c) => c.toLowerCase() === text.toLowerCase());
  if (found === undefined) {
    throw new UsageError(
      `Invalid value ${text} for configuration ${key}: String must be one of: ${choices.join(', ')}`,
    );
  }
  return found;
}

/**
 * Connection options for a producer or consumer: --bootstrap-server, else bootstrap.servers from
 * the properties, else the local broker; client.id defaulting to the tool's own.
 */
export function clientOptionsFrom(
  bootstrapFlag: string | undefined,
  props: Properties,
  defaultClientId: string,
): ClientOptions {
  const protocol = props.get('security.protocol');
  if (protocol !== undefined && protocol.trim().toUpperCase() !== 'PLAINTEXT') {
    throw new UsageError(
      `security.protocol=${protocol} is not supported yet: Samsa's CLI speaks PLAINTEXT only`,
    );
  }
  const requestTimeoutMs = intProperty(props, 'request.timeout.ms', { min: 1 });
  const connectTimeoutMs = intProperty(props, 'socket.connection.setup.timeout.ms', { min: 1 });
  const apiTimeoutMs = intProperty(props, 'default.api.timeout.ms', { min: 1 });
  return {
    bootstrap: bootstrapFlag ?? props.get('bootstrap.servers') ?? DEFAULT_BOOTSTRAP,
    clientId: props.get('client.id') ?? defaultClientId,
    softwareName: 'samsa-cli',
    softwareVersion: samsaVersion(),
    ...(requestTimeoutMs === undefined ? {} : { requestTimeoutMs: requestTimeoutMs + 5_000 }),
    ...(connectTimeoutMs === undefined ? {} : { connectTimeoutMs }),
    ...(apiTimeoutMs === undefined ? {} : { retryTimeoutMs: apiTimeoutMs }),
  };
}
