// The broker's effective config: the static layer (server.properties + --override) under the
// dynamic layers Kafka's AlterConfigs/IncrementalAlterConfigs set on BROKER resources — the
// cluster default ("") and this broker's id. Dynamic values are kept in the MetadataStore, so
// they survive restarts (and in cluster mode will reach every broker), and apply at once:
// listeners of onChange (the replica manager, whose topics inherit log.* defaults) are told.
import type { BrokerConfig } from '../config/index.js';
import type { MetadataStore } from '../metadata/metadata-store.js';

/** A view of the current broker config, for services that must see dynamic changes. */
export interface BrokerConfigView {
  readonly current: BrokerConfig;
}

const CLUSTER_DEFAULT = '';

export class DynamicBrokerConfig implements BrokerConfigView {
  readonly #static: BrokerConfig;
  readonly #metadata: MetadataStore;
  readonly #listeners: ((config: BrokerConfig) => void)[] = [];
  #current: BrokerConfig;

  constructor(staticConfig: BrokerConfig, metadata: MetadataStore) {
    this.#static = staticConfig;
    this.#metadata = metadata;
    this.#current = this.#compose();
  }

  get current(): BrokerConfig {
    return this.#current;
  }

  onChange(listener: (config: BrokerConfig) => void): void {
    this.#listeners.push(listener);
  }

  /** Replaces the dynamic values of a BROKER resource ("" or a broker id) and applies them. */
  async set(resourceName: string, values: ReadonlyMap<string, string>): Promise<void> {
    await this.#metadata.setBrokerConfigs(resourceName, Object.fromEntries(values));
    this.#current = this.#compose();
    for (const listener of this.#listeners) listener(this.#current);
  }

  #compose(): BrokerConfig {
    const own = String(this.#static.nodeId);
    return this.#static.with({
      dynamicDefaultConfigs: new Map(Object.entries(this.#metadata.brokerConfigs(CLUSTER_DEFAULT))),
      dynamicBrokerConfigs: new Map(Object.entries(this.#metadata.brokerConfigs(own))),
    });
  }
}
