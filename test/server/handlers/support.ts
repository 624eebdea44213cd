// Shared setup of the handler tests: a real broker on port 0 with a WireClient connected to it.
import { startBroker, type TestBroker } from '../../support/broker.js';
import { WireClient } from './wire-client.js';

export const ZERO_UUID = 'AAAAAAAAAAAAAAAAAAAAAA';

/** Runs `fn` against a fresh broker (with `overrides`) and one connection to it. */
export async function withBroker(
  fn: (client: WireClient, broker: TestBroker) => Promise<void>,
  overrides: Record<string, string | number | boolean> = {},
): Promise<void> {
  const broker = await startBroker({ overrides });
  const client = await WireClient.connect(broker.port);
  try {
    await fn(client, broker);
  } finally {
    client.close();
    await broker.stop();
  }
}

/** A CreateTopics entry: `partitions` partitions, the default replication factor, no configs. */
export function newTopic(
  name: string,
  partitions = 1,
  extra: {
    replicationFactor?: number;
    assignments?: { partitionIndex: number; brokerIds: number[] }[];
    configs?: { name: string; value: string | null }[];
  } = {},
) {
  return {
    name,
    numPartitions: partitions,
    replicationFactor: -1,
    assignments: [],
    configs: [],
    ...extra,
  };
}
