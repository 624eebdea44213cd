// Parses and validates one config value the way Kafka's ConfigDef does (configs.md §5): trim first;
// BOOLEAN is true/false in any case; numbers use Java's parsing with range checks; LIST splits on
// commas; enum values are case-sensitive. Failures carry Kafka's message,
// `Invalid value <v> for configuration <k>: <reason>`, and the wire error INVALID_CONFIG.
import { KafkaError } from '../errors/kafka-error.js';
import type { ConfigKey, ConfigValidator } from './config-key.js';
import {
  javaDoubleToString,
  javaListToString,
  javaTrim,
  longToNumber,
  parseJavaDouble,
  parseJavaInteger,
  splitKafkaList,
} from './java-text.js';

/** A parsed value: LONG, INT, SHORT and DOUBLE as numbers (LONG beyond 2^53 as ±Infinity). */
export type ConfigValue = boolean | number | string | readonly string[];

export interface ParsedConfigValue {
  readonly value: ConfigValue;
  /** The value as Kafka prints it in DescribeConfigs (ConfigDef.convertToString). */
  readonly text: string;
  /** The exact integer for INT, SHORT and LONG, where `value` may have lost precision. */
  readonly exact?: bigint;
}

/** A value Kafka's ConfigDef refuses: wire error INVALID_CONFIG, message in Kafka's format. */
export class InvalidConfigValueError extends KafkaError {
  readonly configName: string;
  /** The value as the message shows it (Kafka shows the raw or the parsed value, by check). */
  readonly shownValue: string;
  readonly reason: string;

  constructor(configName: string, shownValue: string, reason: string) {
    super(
      'INVALID_CONFIG',
      `Invalid value ${shownValue} for configuration ${configName}: ${reason}`,
    );
    this.configName = configName;
    this.shownValue = shownValue;
    this.reason = reason;
  }
}

const INTEGER_BITS = { SHORT: 16, INT: 32, LONG: 64 } as const;

// A Java binary class name: dotted identifiers, $ for nested classes. Samsa cannot load classes, so
// a well-formed name is accepted; Kafka would also try to load it.
const JAVA_CLASS_NAME = /^[\p{L}_$][\p{L}\p{N}_$]*(?:\.[\p{L}_$][\p{L}\p{N}_$]*)*$/u;

function checkRange(
  name: string,
  v: ConfigValidator & { kind: 'range' },
  n: number,
  shown: string,
): void {
  // Java compares doubleValue()s, so NaN passes every range check; so does it here.
  if (v.orEqual !== null) {
    if (n > (v.max ?? Infinity) || (n < (v.min ?? -Infinity) && n !== v.orEqual)) {
      throw new InvalidConfigValueError(
        name,
        shown,
        `Value must be between ${v.min} and ${v.max} or equal to ${v.orEqual}`,
      );
    }
    return;
  }
  if (v.min !== null && n < v.min) {
    throw new InvalidConfigValueError(name, shown, `Value must be at least ${v.min}`);
  }
  if (v.max !== null && n > v.max) {
    throw new InvalidConfigValueError(name, shown, `Value must be no more than ${v.max}`);
  }
}

/** MetadataVersion.fromVersionString: a listed version, or a release prefix of one ("3.0", "2.8.1"). */
function metadataVersionKey(s: string): string {
  const segments = s.split('.');
  const count = s.startsWith('0.') ? 3 : 2;
  return count >= segments.length ? s : segments.slice(0, count).join('.');
}

/** The listed version a version string stands for: itself, or the latest of its release. */
export function canonicalMetadataVersion(s: string, versions: readonly string[]): string | null {
  const key = metadataVersionKey(s);
  let found: string | null = null;
  for (const v of versions) {
    if (v === key) return v;
    if (v.replace(/-IV\d+$/, '') === key) found = v;
  }
  return found;
}

function checkString(name: string, v: ConfigValidator | null, s: string): void {
  if (v === null) return;
  if (v.kind === 'enum' && !v.values.includes(s)) {
    throw new InvalidConfigValueError(name, s, `String must be one of: ${v.values.join(', ')}`);
  }
  if (v.kind === 'metadataVersion' && canonicalMetadataVersion(s, v.values) === null) {
    throw new InvalidConfigValueError(name, s, `Version ${s} is not a valid version`);
  }
}

function checkList(name: string, v: ConfigValidator | null, items: readonly string[]): void {
  if (v === null) return;
  if (v.kind === 'enum') {
    for (const item of items) checkString(name, v, item);
  } else if (v.kind === 'throttledReplicas') {
    const trimmed = items.map(javaTrim);
    const ok = trimmed.every((s) => /^(?:[0-9]+:[0-9]+)?$/.test(s)) || trimmed.join('') === '*';
    if (!ok) {
      throw new InvalidConfigValueError(
        name,
        javaListToString(items),
        `${name} must be the literal '*' or a list of replicas in the following format: ` +
          '[partitionId]:[brokerId],[partitionId]:[brokerId],...',
      );
    }
  }
}

/** Parses `raw` as config `name` of definition `key`; throws InvalidConfigValueError. */
export function parseConfigValue(name: string, key: ConfigKey, raw: string): ParsedConfigValue {
  const trimmed = javaTrim(raw);
  switch (key.type) {
    case 'BOOLEAN': {
      const lower = trimmed.toLowerCase();
      if (lower !== 'true' && lower !== 'false') {
        throw new InvalidConfigValueError(name, raw, 'Expected value to be either true or false');
      }
      return { value: lower === 'true', text: lower };
    }
    case 'SHORT':
    case 'INT':
    case 'LONG': {
      const exact = parseJavaInteger(trimmed, INTEGER_BITS[key.type]);
      if (exact === null) {
        throw new InvalidConfigValueError(name, raw, `Not a number of type ${key.type}`);
      }
      const text = exact.toString();
      const value = longToNumber(exact);
      // Range bounds are small, so comparing the (possibly infinite) number is exact enough.
      if (key.validator?.kind === 'range') checkRange(name, key.validator, value, text);
      return { value, text, exact };
    }
    case 'DOUBLE': {
      const value = parseJavaDouble(trimmed);
      if (value === null)
        throw new InvalidConfigValueError(name, raw, 'Not a number of type DOUBLE');
      const text = javaDoubleToString(value);
      if (key.validator?.kind === 'range') checkRange(name, key.validator, value, text);
      return { value, text };
    }
    case 'LIST': {
      const items = splitKafkaList(trimmed);
      checkList(name, key.validator, items);
      return { value: items, text: items.join(',') };
    }
    case 'CLASS':
      if (!JAVA_CLASS_NAME.test(trimmed)) {
        throw new InvalidConfigValueError(name, raw, `Class ${raw} could not be found.`);
      }
      return { value: trimmed, text: trimmed };
    case 'STRING':
    case 'PASSWORD':
      checkString(name, key.validator, trimmed);
      return { value: trimmed, text: trimmed };
  }
}
