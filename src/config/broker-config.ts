// The effective broker config: Kafka's layers, highest first — dynamic per-broker, dynamic cluster
// default, static (server.properties and --override), built-in default (Kafka's, with Samsa's
// differences from samsa-defaults.ts). Immutable: a dynamic update makes a new BrokerConfig, so a
// reader never sees half an update. Values are parsed lazily and cached; the loader
// (load-broker-config.ts) checks every static value up front, so getters do not throw for a
// config it built.
import { brokerLogDefault } from './broker-log-defaults.js';
import {
  BROKER_CONFIG_KEYS,
  type BrokerConfigName,
  type BrokerConfigValues,
  type ConfigSourceName,
  type TopicConfigName,
} from './generated/config-defs.js';
import {
  checkAdvertisedEndpoints,
  parseEndpoints,
  parseSecurityProtocolMap,
  type Endpoint,
  type SecurityProtocol,
} from './listeners.js';
import { parseConfigValue, type ParsedConfigValue } from './parse-value.js';
import { brokerDefault } from './samsa-defaults.js';

export interface BrokerConfigLayers {
  /** server.properties plus --override values, as written (STATIC_BROKER_CONFIG). */
  readonly staticBrokerConfigs: ReadonlyMap<string, string>;
  /** Dynamic values for the cluster (BROKER resource ""; DYNAMIC_DEFAULT_BROKER_CONFIG). */
  readonly dynamicDefaultConfigs: ReadonlyMap<string, string>;
  /** Dynamic values for this broker id (DYNAMIC_BROKER_CONFIG). */
  readonly dynamicBrokerConfigs: ReadonlyMap<string, string>;
}

export type BrokerLayerSource =
  'DYNAMIC_BROKER_CONFIG' | 'DYNAMIC_DEFAULT_BROKER_CONFIG' | 'STATIC_BROKER_CONFIG';

export interface BrokerConfigSetting {
  readonly raw: string;
  readonly source: BrokerLayerSource;
}

const EMPTY: ReadonlyMap<string, string> = new Map();

export class BrokerConfig {
  readonly layers: BrokerConfigLayers;
  readonly #parsed = new Map<BrokerConfigName, ParsedConfigValue | null>();
  readonly #logDefaults = new Map<TopicConfigName, ParsedConfigValue>();
  #listeners: readonly Endpoint[] | undefined;
  #advertised: readonly Endpoint[] | undefined;

  constructor(layers: Partial<BrokerConfigLayers> = {}) {
    this.layers = {
      staticBrokerConfigs: layers.staticBrokerConfigs ?? EMPTY,
      dynamicDefaultConfigs: layers.dynamicDefaultConfigs ?? EMPTY,
      dynamicBrokerConfigs: layers.dynamicBrokerConfigs ?? EMPTY,
    };
  }

  /** A new config with some layers replaced (how dynamic updates will apply). */
  with(layers: Partial<BrokerConfigLayers>): BrokerConfig {
    return new BrokerConfig({ ...this.layers, ...layers });
  }

  /** The highest layer that sets `name` (any key, listener overrides too); undefined = not set. */
  setting(name: string): BrokerConfigSetting | undefined {
    const { dynamicBrokerConfigs, dynamicDefaultConfigs, staticBrokerConfigs } = this.layers;
    const dynamicBroker = dynamicBrokerConfigs.get(name);
    if (dynamicBroker !== undefined) return { raw: dynamicBroker, source: 'DYNAMIC_BROKER_CONFIG' };
    const dynamicDefault = dynamicDefaultConfigs.get(name);
    if (dynamicDefault !== undefined) {
      return { raw: dynamicDefault, source: 'DYNAMIC_DEFAULT_BROKER_CONFIG' };
    }
    const fromStatic = staticBrokerConfigs.get(name);
    return fromStatic === undefined
      ? undefined
      : { raw: fromStatic, source: 'STATIC_BROKER_CONFIG' };
  }

  /** Where the effective value of `name` comes from. */
  source(name: string): ConfigSourceName {
    return this.setting(name)?.source ?? 'DEFAULT_CONFIG';
  }

  /** The effective parsed value; null when unset with no default. Throws InvalidConfigValueError. */
  parsed(name: BrokerConfigName): ParsedConfigValue | null {
    const cached = this.#parsed.get(name);
    if (cached !== undefined) return cached;
    const raw = this.setting(name)?.raw ?? brokerDefault(name);
    const parsed = raw === null ? null : parseConfigValue(name, BROKER_CONFIG_KEYS[name], raw);
    this.#parsed.set(name, parsed);
    return parsed;
  }

  /** The effective value, typed by key: `get('num.partitions')` is a number. */
  get<K extends BrokerConfigName>(name: K): BrokerConfigValues[K] {
    // The generated BrokerConfigValues types each key by its Kafka type, which parsed() follows.
    return (this.parsed(name)?.value ?? null) as BrokerConfigValues[K];
  }

  /** The effective value as DescribeConfigs prints it; null when unset with no default. */
  text(name: BrokerConfigName): string | null {
    return this.parsed(name)?.text ?? null;
  }

  /** The broker's default for a topic key (Kafka's extractLogConfigMap), unit-converted. */
  logDefault(name: TopicConfigName): ParsedConfigValue {
    let value = this.#logDefaults.get(name);
    if (value === undefined) {
      value = brokerLogDefault(this, name);
      this.#logDefaults.set(name, value);
    }
    return value;
  }

  get nodeId(): number {
    return this.get('node.id');
  }

  get securityProtocolMap(): ReadonlyMap<string, SecurityProtocol> {
    return parseSecurityProtocolMap(this.get('listener.security.protocol.map'));
  }

  /** The endpoints to bind. */
  get listeners(): readonly Endpoint[] {
    this.#listeners ??= parseEndpoints(
      'listeners',
      this.get('listeners'),
      this.securityProtocolMap,
      true,
    );
    return this.#listeners;
  }

  /** The endpoints clients are told to use: advertised.listeners, else listeners. */
  get advertisedListeners(): readonly Endpoint[] {
    if (this.#advertised === undefined) {
      const text = this.get('advertised.listeners');
      if (text === null) {
        this.#advertised = this.listeners;
      } else {
        this.#advertised = parseEndpoints(
          'advertised.listeners',
          text,
          this.securityProtocolMap,
          false,
        );
      }
      checkAdvertisedEndpoints(this.#advertised, this.listeners, text, this.get('listeners'));
    }
    return this.#advertised;
  }

  /** log.dirs, else log.dir, split on commas; relative paths are relative to the working directory. */
  get logDirs(): readonly string[] {
    const text = this.get('log.dirs') ?? this.get('log.dir');
    return text.split(/\s*,\s*/).filter((s) => s !== '');
  }

  /** log.retention.ms, else .minutes, else .hours, in ms; -1 (keep forever) for any negative value. */
  get logRetentionMs(): number {
    return this.logDefault('retention.ms').value as number;
  }

  /** log.roll.ms, else log.roll.hours, in ms. */
  get logRollMs(): number {
    return this.logDefault('segment.ms').value as number;
  }

  /** log.roll.jitter.ms, else log.roll.jitter.hours, in ms. */
  get logRollJitterMs(): number {
    return this.logDefault('segment.jitter.ms').value as number;
  }

  /** log.flush.interval.ms, else log.flush.scheduler.interval.ms; Infinity (Long.MAX_VALUE) = never. */
  get logFlushIntervalMs(): number {
    return this.logDefault('flush.ms').value as number;
  }
}
