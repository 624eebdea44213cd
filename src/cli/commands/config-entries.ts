// DescribeConfigs as Kafka's Admin client presents it: entries with their source named as
// ConfigEntry.ConfigSource names it (DYNAMIC_TOPIC_CONFIG, STATIC_BROKER_CONFIG, …) and their
// synonyms. Shared by samsa topics --describe (non-default configs) and samsa configs.
import { Apis } from '../../protocol/generated/index.js';
import { kafkaErrorFor, type KafkaClient } from '../client/index.js';

export const RESOURCE_TOPIC = 2;
export const RESOURCE_BROKER = 4;

/** Wire configSource ids → the names Kafka's tools print. */
const SOURCE_NAMES: Readonly<Record<number, string>> = {
  1: 'DYNAMIC_TOPIC_CONFIG',
  2: 'DYNAMIC_BROKER_CONFIG',
  3: 'DYNAMIC_DEFAULT_BROKER_CONFIG',
  4: 'STATIC_BROKER_CONFIG',
  5: 'DEFAULT_CONFIG',
  6: 'DYNAMIC_BROKER_LOGGER_CONFIG',
  7: 'DYNAMIC_CLIENT_METRICS_CONFIG',
  8: 'DYNAMIC_GROUP_CONFIG',
};

export interface ConfigSynonym {
  name: string;
  value: string | null;
  source: string;
}

export interface ConfigEntry {
  name: string;
  /** null for a sensitive config (printed as "null", as Kafka does). */
  value: string | null;
  source: string;
  isSensitive: boolean;
  isReadOnly: boolean;
  isDefault: boolean;
  synonyms: ConfigSynonym[];
}

export function sourceName(id: number): string {
  return SOURCE_NAMES[id] ?? 'UNKNOWN';
}

/**
 * The configs of one topic or broker, in the broker's order. A broker resource (other than the
 * default, "") is asked of that broker, as Kafka's Admin client does.
 */
export async function describeConfigs(
  client: KafkaClient,
  resource: { type: number; name: string },
  options: { synonyms?: boolean } = {},
): Promise<ConfigEntry[]> {
  const broker =
    resource.type === RESOURCE_BROKER && resource.name !== '' ? Number(resource.name) : 'any';
  const conn = await client.connection(broker);
  const version = conn.versionFor(Apis.DescribeConfigs);
  const response = await conn.send(
    Apis.DescribeConfigs,
    {
      resources: [
        { resourceType: resource.type, resourceName: resource.name, configurationKeys: null },
      ],
      includeSynonyms: options.synonyms === true && version >= 1,
      includeDocumentation: false,
    },
    { version },
  );
  const result = response.results[0];
  if (result === undefined) return [];
  if (result.errorCode !== 0) {
    const unknownTopic = result.errorCode === 3 && resource.type === RESOURCE_TOPIC;
    throw kafkaErrorFor(
      result.errorCode,
      unknownTopic ? `Topic '${resource.name}' does not exist` : result.errorMessage,
    );
  }
  return result.configs.map((c) => {
    // v0 has isDefault and no source.
    const source =
      version === 0 ? (c.isDefault ? 'DEFAULT_CONFIG' : 'UNKNOWN') : sourceName(c.configSource);
    return {
      name: c.name,
      value: c.value,
      source,
      isSensitive: c.isSensitive,
      isReadOnly: c.readOnly,
      isDefault: source === 'DEFAULT_CONFIG',
      synonyms: c.synonyms.map((s) => ({
        name: s.name,
        value: s.value,
        source: sourceName(s.source),
      })),
    };
  });
}
