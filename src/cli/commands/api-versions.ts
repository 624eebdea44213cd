// samsa api-versions: kafka-broker-api-versions.sh. For every broker in the cluster, the API
// versions it serves in Kafka's NodeApiVersions layout:
//
//   127.0.0.1:9092 (id: 1 rack: null) -> (
//   	Produce(0): 0 to 11 [usable: 11],
//   	…
//   	ShareFetch(78): UNSUPPORTED
//   )
//
// "usable" is the highest version both Samsa's codecs and the broker speak; APIs a client may
// send that the broker does not list print as UNSUPPORTED, APIs it lists that Samsa's specs do
// not know as UNKNOWN(key).
import type { ApiDefinition } from '../../protocol/api.js';
import { ApisByKey } from '../../protocol/generated/index.js';
import { BrokerConnection, type BrokerNode, type VersionRange } from '../client/index.js';
import {
  CONNECTION_FLAGS,
  OUTPUT_FLAG,
  clientOptions,
  wantsJson,
  withClient,
  type Command,
} from '../command.js';
import { explain } from '../explain.js';
import type { Output } from '../output.js';

interface ApiLine {
  apiKey: number;
  name: string | null;
  minVersion: number | null;
  maxVersion: number | null;
  usableVersion: number | null;
  status:
    'usable' | 'unsupported' | 'unusable: node too new' | 'unusable: node too old' | 'unknown';
}

export const apiVersionsCommand: Command = {
  name: 'api-versions',
  summary: 'Show the API versions each broker serves',
  kafkaTool: 'kafka-broker-api-versions.sh',
  usage: ['samsa api-versions [--bootstrap-server HOST:PORT] [--output json]'],
  description:
    'Asks every broker in the cluster for its ApiVersions and prints, per API, the versions it serves\nand the highest one usable with Samsa’s codecs.',
  flags: [...CONNECTION_FLAGS, OUTPUT_FLAG],
  examples: [
    'samsa api-versions',
    'samsa api-versions --bootstrap-server kafka-1:9092',
    'samsa api-versions --output json',
  ],
  async run({ args, out }) {
    const json = wantsJson(args);
    return withClient(args, async (client) => {
      const options = clientOptions(args);
      const brokers = [...client.brokers.values()].sort((a, b) => a.nodeId - b.nodeId);
      const results = await Promise.all(
        brokers.map(async (node) => {
          let conn: BrokerConnection | null = null;
          try {
            conn = await BrokerConnection.open({ host: node.host, port: node.port }, options);
            return { node, lines: apiLines(conn.brokerVersions), error: null };
          } catch (err) {
            return { node, lines: [], error: explain(err) };
          } finally {
            conn?.close();
          }
        }),
      );
      if (json) {
        out.json(
          results.map((r) => ({
            id: r.node.nodeId,
            host: r.node.host,
            port: r.node.port,
            rack: r.node.rack,
            ...(r.error === null ? { apis: r.lines } : { error: r.error }),
          })),
        );
      } else {
        for (const r of results) printBroker(out, r.node, r.lines, r.error);
      }
      return results.some((r) => r.error !== null) ? 1 : 0;
    });
  },
};

/** Kafka's ApiKeys.clientApis(): APIs a broker (KRaft or ZooKeeper mode) may serve to clients. */
function isClientApi(api: ApiDefinition): boolean {
  return api.listeners.includes('broker') || api.listeners.includes('zkBroker');
}

export function apiLines(versions: ReadonlyMap<number, VersionRange>): ApiLine[] {
  const lines = new Map<number, ApiLine>();
  for (const [apiKey, range] of versions) {
    const api = ApisByKey.get(apiKey);
    let status: ApiLine['status'] = 'unknown';
    let usableVersion: number | null = null;
    if (api !== undefined) {
      if (api.maxVersion < range.min) status = 'unusable: node too new';
      else if (range.max < api.minVersion) status = 'unusable: node too old';
      else {
        status = 'usable';
        usableVersion = Math.min(api.maxVersion, range.max);
      }
    }
    lines.set(apiKey, {
      apiKey,
      name: api?.name ?? null,
      minVersion: range.min,
      maxVersion: range.max,
      usableVersion,
      status,
    });
  }
  for (const api of ApisByKey.values()) {
    if (!lines.has(api.apiKey) && isClientApi(api)) {
      lines.set(api.apiKey, {
        apiKey: api.apiKey,
        name: api.name,
        minVersion: null,
        maxVersion: null,
        usableVersion: null,
        status: 'unsupported',
      });
    }
  }
  return [...lines.values()].sort((a, b) => a.apiKey - b.apiKey);
}

export function apiLineText(l: ApiLine): string {
  const head = l.name === null ? `UNKNOWN(${l.apiKey}): ` : `${l.name}(${l.apiKey}): `;
  if (l.status === 'unsupported') return `${head}UNSUPPORTED`;
  const range =
    l.minVersion === l.maxVersion ? `${l.minVersion}` : `${l.minVersion} to ${l.maxVersion}`;
  if (l.status === 'unknown') return head + range;
  if (l.status === 'usable') return `${head}${range} [usable: ${l.usableVersion}]`;
  return `${head}${range} [${l.status}]`;
}

function printBroker(out: Output, node: BrokerNode, lines: ApiLine[], error: string | null): void {
  const name = `${node.host}:${node.port} (id: ${node.nodeId} rack: ${node.rack ?? 'null'})`;
  if (error !== null) {
    out.line(`${name} -> ERROR: ${error}`);
    return;
  }
  const body = lines
    .map((l) => {
      const text = apiLineText(l);
      return l.status === 'usable' ? text : out.style('dim', text);
    })
    .join(',\n\t');
  out.line(`${out.style('bold', name)} -> (\n\t${body}\n)`);
}
