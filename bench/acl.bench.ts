// ACL benchmark: the cost of one authorization check (Authorizer.authorize, what every Produce,
// Fetch and Metadata request pays per topic once an authorizer is configured) with 10 to 10,000
// ACLs, literal and prefixed, next to two baselines measured in the same run: a Map lookup in a
// map of the same size, and decoding one Produce v9 request with a 16 KiB batch (the work a
// produce request costs the broker anyway). Figures, never verdicts.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import {
  AclOperation as Op,
  AclPermissionType as Perm,
  PatternType,
  ResourceType,
  type AclBinding,
} from '../src/metadata/acl-binding.js';
import { LocalMetadataStore } from '../src/metadata/local-metadata-store.js';
import { Apis } from '../src/protocol/generated/index.js';
import { Reader, Writer } from '../src/protocol/primitives/index.js';
import { Authorizer } from '../src/security/authorizer.js';
import { formatNumber, measure, printAlignedTable, type BenchResult } from './harness.js';

const session = { principal: 'User:alice', host: '10.0.0.1' };

function acl(resourceName: string, patternType: number = PatternType.LITERAL): AclBinding {
  return {
    resourceType: ResourceType.TOPIC,
    resourceName,
    patternType,
    principal: 'User:alice',
    host: '*',
    operation: Op.WRITE,
    permissionType: Perm.ALLOW,
  };
}

const dirs: string[] = [];
async function authorizerWith(acls: AclBinding[]): Promise<Authorizer> {
  const dir = mkdtempSync(join(tmpdir(), 'samsa-bench-acl-'));
  dirs.push(dir);
  const authorizer = new Authorizer(LocalMetadataStore.open([dir], 1), {
    superUsers: [],
    allowEveryoneIfNoAclFound: true,
  });
  await authorizer.createAcls(acls);
  return authorizer;
}

const literals = (n: number) => Array.from({ length: n }, (_, i) => acl(`topic-${i}`));
const prefixes = (n: number) =>
  Array.from({ length: n }, (_, i) => acl(`team-${i}-`, PatternType.PREFIXED));

async function main(): Promise<void> {
  const produce = (() => {
    const w = new Writer();
    Apis.Produce.request.encode(w, 9, {
      ...Apis.Produce.request.create(),
      acks: -1,
      timeoutMs: 30_000,
      topicData: [{ name: 'topic-5', partitionData: [{ index: 0, records: randomBytes(16_384) }] }],
    });
    return w.toBuffer();
  })();
  const map = new Map(literals(10_000).map((a) => [a.resourceName, a]));
  const baselines: BenchResult[] = [
    measure({
      name: 'baseline: Map.get in 10,000 entries',
      bytes: 0,
      fn: () => map.get('topic-5'),
    }),
    measure({
      name: 'baseline: decode a Produce v9 request (16 KiB batch)',
      bytes: 0,
      fn: () => Apis.Produce.request.decode(new Reader(produce), 9),
    }),
  ];
  const cases: { name: string; authorizer: Authorizer; topic: string }[] = [
    {
      name: '10 literal ACLs, topic with an ALLOW',
      authorizer: await authorizerWith(literals(10)),
      topic: 'topic-5',
    },
    {
      name: '10,000 literal ACLs, topic with an ALLOW',
      authorizer: await authorizerWith(literals(10_000)),
      topic: 'topic-5',
    },
    {
      name: '10,000 literal ACLs, topic without ACLs',
      authorizer: await authorizerWith(literals(10_000)),
      topic: 'other',
    },
    {
      name: '100 prefixed ACLs, topic under one',
      authorizer: await authorizerWith(prefixes(100)),
      topic: 'team-50-orders',
    },
    {
      name: '1,000 prefixed ACLs, topic under one',
      authorizer: await authorizerWith(prefixes(1000)),
      topic: 'team-500-orders',
    },
    {
      name: '10,000 prefixed ACLs, topic under one',
      authorizer: await authorizerWith(prefixes(10_000)),
      topic: 'team-5000-orders',
    },
  ];
  const results = cases.map((c) =>
    measure({
      name: `authorize: ${c.name}`,
      bytes: 0,
      fn: () => c.authorizer.authorize(session, Op.WRITE, ResourceType.TOPIC, c.topic),
    }),
  );
  const [mapGet, decode] = baselines as [BenchResult, BenchResult];
  printAlignedTable(
    'ACL checks (one authorize call each)',
    ['case', 'checks/s', 'ns each', 'x Map.get', 'x Produce decode'],
    [...baselines, ...results].map((r) => [
      r.name,
      formatNumber(r.opsPerSec),
      formatNumber(1e9 / r.opsPerSec),
      (r.opsPerSec / mapGet.opsPerSec).toFixed(3),
      (r.opsPerSec / decode.opsPerSec).toFixed(2),
    ]),
  );
}

main()
  .catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  })
  .finally(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });
