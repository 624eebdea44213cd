// The shape of one config definition, as the generated tables (generated/config-defs.ts) hold it:
// Kafka's ConfigDef.ConfigKey reduced to what Samsa needs — type, default, validator, synonyms,
// and for broker keys how DescribeConfigs and dynamic updates treat them.

/** Kafka's ConfigDef.Type names. */
export type ConfigTypeName =
  'BOOLEAN' | 'STRING' | 'INT' | 'SHORT' | 'LONG' | 'DOUBLE' | 'LIST' | 'CLASS' | 'PASSWORD';

/**
 * Kafka's validators, by kind:
 * - `range`: ConfigDef.Range (`[min,...,max]`, either end open); `orEqual` adds the one value outside
 *   the range that gzip's level validator also accepts (`[1,...,9] or -1`).
 * - `enum`: ConfigDef.ValidString (STRING) or ValidList (LIST, every item), case-sensitive.
 * - `metadataVersion`: Kafka's MetadataVersionValidator: a listed version or its release prefix.
 * - `throttledReplicas`: `*` or a list of `partition:broker`.
 * - `unchecked`: a validator Samsa does not reproduce (it checks nothing Samsa uses); the text is
 *   Kafka's description of it.
 */
export type ConfigValidator =
  | {
      readonly kind: 'range';
      readonly min: number | null;
      readonly max: number | null;
      readonly orEqual: number | null;
    }
  | { readonly kind: 'enum'; readonly values: readonly string[] }
  | { readonly kind: 'metadataVersion'; readonly values: readonly string[] }
  | { readonly kind: 'throttledReplicas' }
  | { readonly kind: 'unchecked'; readonly description: string };

export interface ConfigKey {
  readonly type: ConfigTypeName;
  /** The default exactly as Kafka prints the parsed value in DescribeConfigs; null = no default. */
  readonly default: string | null;
  readonly validator: ConfigValidator | null;
  readonly deprecated: boolean;
  /** A one-line description, returned as DescribeConfigs documentation. */
  readonly doc: string;
}

export interface TopicConfigKey extends ConfigKey {
  /** Broker keys that supply this key's default, highest priority first; [] for none. */
  readonly brokerSynonyms: readonly string[];
}

/** read-only needs a restart; per-broker is dynamic only with a broker id; cluster-wide also as the cluster default. */
export type DynamicMode = 'read-only' | 'per-broker' | 'cluster-wide';

/** The unit of a broker key that feeds a `.ms` topic key. */
export type TimeUnit = 'minutes' | 'hours';

/**
 * Where Kafka defines a broker key, which decides how DescribeConfigs lists it:
 * - `kafka`: a KafkaConfig key — always listed, typed.
 * - `authorizer`: read by the authorizer plugin, not KafkaConfig — listed only when set, with type
 *   UNKNOWN, sensitive, value null.
 * - `dynamic-only`: a broker quota settable only dynamically — listed only when set, readOnly=true.
 */
export type BrokerKeyKind = 'kafka' | 'authorizer' | 'dynamic-only';

export interface BrokerConfigKey extends ConfigKey {
  readonly dynamic: DynamicMode;
  /** DescribeConfigs' readOnly flag. */
  readonly readOnly: boolean;
  readonly sensitive: boolean;
  /** The topic key this broker key is a default for, or null. */
  readonly topicConfig: string | null;
  readonly unit: TimeUnit | null;
  /** Dynamic updates must use the listener.name.<listener>. prefix (keystores and truststores). */
  readonly listenerPrefixOnly: boolean;
  readonly kind: BrokerKeyKind;
  /** The default on Kafka's 3.9 branch where it differs (kept as data; Samsa follows 4.0). */
  readonly v39Default?: string | null;
}
