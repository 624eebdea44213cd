// The API version ranges the capture server advertises in ApiVersions: only the APIs it answers,
// each with the range Apache Kafka 3.9 serves (clamped to what the generated codecs know). A
// client picks min(its max, our max), so each client sends the versions it normally sends to a
// 3.9 broker. Kafka 4.x raised some minimums (KIP-896) and added versions (Produce 12, Metadata
// 13, ListOffsets 10) that only newer clients use; 3.9 keeps the captures comparable.
import type { ApiDefinition } from '../../../src/protocol/api.js';
import { Apis } from '../../../src/protocol/generated/index.js';

export interface VersionRange {
  minVersion: number;
  maxVersion: number;
}

/** Kafka 3.9's ranges for the APIs the capture server handles. */
const KAFKA_3_9: ReadonlyMap<ApiDefinition, VersionRange> = new Map<ApiDefinition, VersionRange>([
  [Apis.Produce, { minVersion: 0, maxVersion: 11 }],
  [Apis.Fetch, { minVersion: 0, maxVersion: 17 }],
  [Apis.ListOffsets, { minVersion: 0, maxVersion: 9 }],
  [Apis.Metadata, { minVersion: 0, maxVersion: 12 }],
  [Apis.ApiVersions, { minVersion: 0, maxVersion: 4 }],
  [Apis.InitProducerId, { minVersion: 0, maxVersion: 5 }],
  // Not needed without groups, but librdkafka (≤ 2.x) turns LZ4 off when FindCoordinator is absent.
  [Apis.FindCoordinator, { minVersion: 0, maxVersion: 6 }],
]);

/**
 * The advertised range per API key. `caps` lowers a maximum (by API key), e.g. to watch a client
 * retry ApiVersions after UNSUPPORTED_VERSION.
 */
export function advertisedVersions(
  caps: ReadonlyMap<number, number> = new Map(),
): Map<number, VersionRange> {
  const ranges = new Map<number, VersionRange>();
  for (const [api, range] of KAFKA_3_9) {
    const cap = caps.get(api.apiKey) ?? Number.POSITIVE_INFINITY;
    ranges.set(api.apiKey, {
      minVersion: Math.max(range.minVersion, api.minVersion),
      maxVersion: Math.min(range.maxVersion, api.maxVersion, cap),
    });
  }
  return ranges;
}
