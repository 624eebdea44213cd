// DescribeLogDirs (key 35), v0-4: every log dir with the partitions it holds (size, offset lag 0
// on a leader) and, from v4, the file system's total and usable bytes. topics null asks for all.
// Needs DESCRIBE on the cluster: else no log dirs, with CLUSTER_AUTHORIZATION_FAILED from v3.
import { statfsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Apis } from '../../protocol/generated/index.js';
import type {
  DescribeLogDirsRequest,
  DescribeLogDirsResponse,
  DescribeLogDirsResponseDescribeLogDirsResult,
} from '../../protocol/generated/api/describe-log-dirs.js';
import type { BrokerServices } from '../broker-services.js';
import { defineHandler, type RequestContext } from '../handler.js';
import { authorizeCluster } from '../access.js';
import { KafkaError } from '../../errors/kafka-error.js';
import { AclOperation } from '../../metadata/acl-binding.js';

function diskSpace(dir: string): { totalBytes: bigint; usableBytes: bigint } {
  try {
    const s = statfsSync(dir, { bigint: true });
    return { totalBytes: s.blocks * s.bsize, usableBytes: s.bavail * s.bsize };
  } catch {
    return { totalBytes: -1n, usableBytes: -1n };
  }
}

export const describeLogDirsHandler = defineHandler({
  api: Apis.DescribeLogDirs,
  minVersion: 0,
  maxVersion: 4,
  handle(
    ctx: RequestContext<BrokerServices>,
    request: DescribeLogDirsRequest,
  ): DescribeLogDirsResponse {
    if (!authorizeCluster(ctx, AclOperation.DESCRIBE)) {
      return {
        ...Apis.DescribeLogDirs.response.create(),
        errorCode: new KafkaError('CLUSTER_AUTHORIZATION_FAILED').errorCode,
        results: [],
      };
    }
    const wanted =
      request.topics === null
        ? null
        : new Map(request.topics.map((t) => [t.topic, new Set(t.partitions)]));
    const results = new Map<string, DescribeLogDirsResponseDescribeLogDirsResult>();
    for (const dir of ctx.services.config.logDirs) {
      const logDir = resolve(dir);
      const space = ctx.apiVersion >= 4 ? diskSpace(logDir) : { totalBytes: -1n, usableBytes: -1n };
      results.set(logDir, { errorCode: 0, logDir, topics: [], ...space });
    }
    for (const log of ctx.services.replicas.logs()) {
      const { topic, partition } = log.topicPartition;
      if (wanted !== null && !(wanted.get(topic)?.has(partition) ?? false)) continue;
      const result = results.get(resolve(dirname(log.dir)));
      if (result === undefined) continue;
      let entry = result.topics.find((t) => t.name === topic);
      if (entry === undefined) {
        entry = { name: topic, partitions: [] };
        result.topics.push(entry);
      }
      entry.partitions.push({
        partitionIndex: partition,
        partitionSize: BigInt(log.size),
        offsetLag: 0n,
        isFutureKey: false,
      });
    }
    return { ...Apis.DescribeLogDirs.response.create(), results: [...results.values()] };
  },
});
