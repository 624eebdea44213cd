// Samsa's deliberate differences from Kafka's broker defaults, each with its reason, so the README
// can show them. Everything else is Kafka's default. DescribeConfigs reports these values with
// source DEFAULT_CONFIG, as Kafka reports its own defaults: they are this broker's built-in defaults.
import { BROKER_CONFIG_KEYS, type BrokerConfigName } from './generated/config-defs.js';

export interface SamsaDefaultDifference {
  readonly name: BrokerConfigName;
  readonly kafkaDefault: string | null;
  readonly samsaDefault: string;
  readonly reason: string;
}

const DIFFERENCES: readonly { name: BrokerConfigName; samsaDefault: string; reason: string }[] = [
  {
    name: 'listeners',
    samsaDefault: 'PLAINTEXT://127.0.0.1:9092',
    reason:
      'A broker started with no arguments on a laptop or CI machine should not be reachable from ' +
      'the network, and an empty host would be advertised as the machine name, which clients on ' +
      'the same machine may not resolve; 127.0.0.1 works for both.',
  },
  {
    name: 'log.dir',
    samsaDefault: 'samsa-data',
    reason:
      'Data kept under /tmp disappears on reboot and is hard to find; samsa-data in the directory ' +
      'the server starts in is neither. log.dirs stays unset and falls back to log.dir, as in Kafka.',
  },
  {
    name: 'node.id',
    samsaDefault: '1',
    reason:
      'Kafka refuses to start without node.id; a single node has nothing to choose between, so ' +
      'Samsa uses 1.',
  },
  {
    name: 'broker.id',
    samsaDefault: '1',
    reason: 'Kafka keeps broker.id equal to node.id, so it follows node.id.',
  },
  {
    name: 'offsets.topic.replication.factor',
    samsaDefault: '1',
    reason:
      "Kafka's 3 cannot be met by one broker, so __consumer_offsets could not be created and " +
      'every consumer-group API would fail.',
  },
  {
    name: 'transaction.state.log.replication.factor',
    samsaDefault: '1',
    reason:
      "Kafka's 3 cannot be met by one broker, so __transaction_state could not be created and " +
      'every transactional producer would fail.',
  },
  {
    name: 'transaction.state.log.min.isr',
    samsaDefault: '1',
    reason:
      "Kafka's 2 needs two in-sync replicas, which one broker cannot have, so transactions " +
      'would fail.',
  },
];

/** Samsa's default differences with Kafka's default beside each. */
export const SAMSA_DEFAULT_DIFFERENCES: readonly SamsaDefaultDifference[] = DIFFERENCES.map(
  (d) => ({ ...d, kafkaDefault: BROKER_CONFIG_KEYS[d.name].default }),
);

const SAMSA_DEFAULTS: ReadonlyMap<string, string> = new Map(
  DIFFERENCES.map((d) => [d.name, d.samsaDefault]),
);

/** A broker key's built-in default in Samsa (Kafka's unless listed above); null = no default. */
export function brokerDefault(name: BrokerConfigName): string | null {
  return SAMSA_DEFAULTS.get(name) ?? BROKER_CONFIG_KEYS[name].default;
}
