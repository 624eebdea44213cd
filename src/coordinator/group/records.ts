// `__consumer_offsets` records of the classic group coordinator, in Kafka's formats.
//
// Every key and value is prefixed with its int16 schema version, as Kafka writes them: key
// version 0/1 is an offset commit (OffsetCommitKey), key version 2 is group metadata
// (GroupMetadataKey). A null value is a tombstone: the offset or the group was deleted, and
// compaction will eventually drop every earlier record with the same key.
//
// We write OffsetCommitKey v1 + OffsetCommitValue v3 (v1 for a commit with its own retention,
// the only version with expireTimestamp) and GroupMetadataKey v2 +
// GroupMetadataValue v3, the versions Kafka 3.x writes for these fields; every version the
// specs define is read back. Key versions 3 to 8 are the KIP-848 consumer group records
// (consumer-group-records.ts).

import { Reader, Writer } from '../../protocol/primitives/index.js';
import { decodeConsumerGroupRecord, type ConsumerGroupRecord } from './consumer-group-records.js';
import {
  decodeOffsetCommitKey,
  encodeOffsetCommitKey,
  type OffsetCommitKey,
} from '../../protocol/generated/group-coordinator/offset-commit-key.js';
import {
  decodeOffsetCommitValue,
  encodeOffsetCommitValue,
  type OffsetCommitValue,
} from '../../protocol/generated/group-coordinator/offset-commit-value.js';
import {
  decodeGroupMetadataKey,
  encodeGroupMetadataKey,
} from '../../protocol/generated/group-coordinator/group-metadata-key.js';
import {
  decodeGroupMetadataValue,
  encodeGroupMetadataValue,
  type GroupMetadataValue,
} from '../../protocol/generated/group-coordinator/group-metadata-value.js';

import type { CoordinatorRecord } from '../coordinator-runtime.js';

export type { CoordinatorRecord };

export const OFFSET_COMMIT_KEY_VERSION = 1;
export const OFFSET_COMMIT_VALUE_VERSION = 3;
export const GROUP_METADATA_KEY_VERSION = 2;
export const GROUP_METADATA_VALUE_VERSION = 3;

function versioned(version: number, encode: (w: Writer) => void): Buffer {
  const w = new Writer(64);
  w.writeInt16(version);
  encode(w);
  return w.toBuffer();
}

export function offsetCommitRecord(
  key: OffsetCommitKey,
  value: OffsetCommitValue | null,
): CoordinatorRecord {
  return {
    key: versioned(OFFSET_COMMIT_KEY_VERSION, (w) =>
      encodeOffsetCommitKey(w, OFFSET_COMMIT_KEY_VERSION, key),
    ),
    value: value === null ? null : offsetCommitValue(value),
  };
}

/** Only value version 1 has expireTimestamp: Kafka writes it when a commit set a retention. */
function offsetCommitValue(value: OffsetCommitValue): Buffer {
  const version = value.expireTimestamp === -1n ? OFFSET_COMMIT_VALUE_VERSION : 1;
  return versioned(version, (w) => encodeOffsetCommitValue(w, version, value));
}

export function groupMetadataRecord(
  group: string,
  value: GroupMetadataValue | null,
): CoordinatorRecord {
  return {
    key: versioned(GROUP_METADATA_KEY_VERSION, (w) =>
      encodeGroupMetadataKey(w, GROUP_METADATA_KEY_VERSION, { group }),
    ),
    value:
      value === null
        ? null
        : versioned(GROUP_METADATA_VALUE_VERSION, (w) =>
            encodeGroupMetadataValue(w, GROUP_METADATA_VALUE_VERSION, value),
          ),
  };
}

export type DecodedRecord =
  | { type: 'offset-commit'; key: OffsetCommitKey; value: OffsetCommitValue | null }
  | { type: 'group-metadata'; group: string; value: GroupMetadataValue | null }
  | { type: 'consumer-group'; record: ConsumerGroupRecord }
  | { type: 'other'; keyVersion: number };

/**
 * Decodes a `__consumer_offsets` record. Key versions this coordinator does not own (the
 * share-group records, 9 and up) come back as `other` so replay can skip them.
 */
export function decodeRecord(key: Buffer, value: Buffer | null): DecodedRecord {
  const kr = new Reader(key);
  const keyVersion = kr.readInt16();
  if (keyVersion === 0 || keyVersion === 1) {
    const k = decodeOffsetCommitKey(kr, keyVersion);
    if (value === null) return { type: 'offset-commit', key: k, value: null };
    const vr = new Reader(value);
    const v = decodeOffsetCommitValue(vr, vr.readInt16());
    return { type: 'offset-commit', key: k, value: v };
  }
  if (keyVersion === 2) {
    const k = decodeGroupMetadataKey(kr, keyVersion);
    if (value === null) return { type: 'group-metadata', group: k.group, value: null };
    const vr = new Reader(value);
    const v = decodeGroupMetadataValue(vr, vr.readInt16());
    return { type: 'group-metadata', group: k.group, value: v };
  }
  const consumerGroupRecord = decodeConsumerGroupRecord(kr, keyVersion, value);
  if (consumerGroupRecord !== null) return { type: 'consumer-group', record: consumerGroupRecord };
  return { type: 'other', keyVersion };
}
