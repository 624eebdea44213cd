// `__transaction_state` records, in Kafka's format (TransactionLog.scala).
//
// One record per state change of a transactional id, keyed by it: the key is TransactionLogKey
// and the value TransactionLogValue, each prefixed by its int16 schema version. Every record
// carries the whole persisted state, so the latest record of a key is the state (the topic is
// compacted); a null value is the tombstone of an expired transactional id.
//
// We write key v0 and value v0, what Kafka writes while the transaction.version feature is not
// finalized (it is never advertised here): v0 has no PreviousProducerId, NextProducerId or
// ClientTransactionVersion, which are v1 tagged fields. Both value versions are read. As in Kafka,
// an Empty transaction is written with null partitions, and the partitions of an Empty record are
// ignored on reading.

import { Reader, Writer } from '../../protocol/primitives/index.js';
import { SamsaError } from '../../errors/samsa-error.js';
import {
  decodeTransactionLogKey,
  encodeTransactionLogKey,
} from '../../protocol/generated/transaction-coordinator/transaction-log-key.js';
import {
  decodeTransactionLogValue,
  encodeTransactionLogValue,
  type TransactionLogValue,
} from '../../protocol/generated/transaction-coordinator/transaction-log-value.js';
import type { CoordinatorRecord } from '../coordinator-runtime.js';
import {
  NO_PRODUCER_EPOCH,
  NO_PRODUCER_ID,
  TRANSACTION_STATE_IDS,
  transactionStateFromId,
  type TransactionMetadata,
} from './transaction-metadata.js';

export const TRANSACTION_LOG_KEY_VERSION = 0;
export const TRANSACTION_LOG_VALUE_VERSION = 0;

function versioned(version: number, encode: (w: Writer) => void): Buffer {
  const w = new Writer(64);
  w.writeInt16(version);
  encode(w);
  return w.toBuffer();
}

function keyBytes(transactionalId: string): Buffer {
  return versioned(TRANSACTION_LOG_KEY_VERSION, (w) =>
    encodeTransactionLogKey(w, TRANSACTION_LOG_KEY_VERSION, { transactionalId }),
  );
}

/** The record of a transactional id's current state (TransactionLog.valueToBytes). */
export function transactionRecord(txn: TransactionMetadata): CoordinatorRecord {
  const value: TransactionLogValue = {
    producerId: txn.producerId,
    previousProducerId: NO_PRODUCER_ID,
    nextProducerId: NO_PRODUCER_ID,
    producerEpoch: txn.producerEpoch,
    transactionTimeoutMs: txn.txnTimeoutMs,
    transactionStatus: TRANSACTION_STATE_IDS[txn.state],
    transactionPartitions:
      txn.state === 'Empty'
        ? null
        : [...txn.partitions].map(([topic, set]) => ({ topic, partitionIds: [...set] })),
    transactionLastUpdateTimestampMs: BigInt(txn.txnLastUpdateTimestamp),
    transactionStartTimestampMs: BigInt(txn.txnStartTimestamp),
    clientTransactionVersion: 0,
  };
  return {
    key: keyBytes(txn.transactionalId),
    value: versioned(TRANSACTION_LOG_VALUE_VERSION, (w) =>
      encodeTransactionLogValue(w, TRANSACTION_LOG_VALUE_VERSION, value),
    ),
  };
}

/** The tombstone of an expired transactional id. */
export function transactionTombstone(transactionalId: string): CoordinatorRecord {
  return { key: keyBytes(transactionalId), value: null };
}

export type DecodedTransactionRecord =
  | { type: 'transaction'; transactionalId: string; value: TransactionLogValue | null }
  | { type: 'unknown'; keyVersion: number };

/**
 * Decodes a `__transaction_state` record. A key version Kafka does not define comes back as
 * `unknown` (Kafka logs it and skips it: "a left over from an aborted upgrade"); an unknown value
 * version throws, as in Kafka.
 */
export function decodeTransactionRecord(
  key: Buffer,
  value: Buffer | null,
): DecodedTransactionRecord {
  const kr = new Reader(key);
  const keyVersion = kr.readInt16();
  if (keyVersion !== TRANSACTION_LOG_KEY_VERSION) return { type: 'unknown', keyVersion };
  const { transactionalId } = decodeTransactionLogKey(kr, keyVersion);
  if (value === null) return { type: 'transaction', transactionalId, value: null };
  const vr = new Reader(value);
  return {
    type: 'transaction',
    transactionalId,
    value: decodeTransactionLogValue(vr, vr.readInt16()),
  };
}

/** A transactional id's metadata rebuilt from its latest record (TransactionLog.readTxnRecordValue). */
export function metadataFromRecord(
  transactionalId: string,
  value: TransactionLogValue,
): TransactionMetadata {
  const state = transactionStateFromId(value.transactionStatus);
  if (state === undefined) {
    throw new SamsaError(
      'SAMSA_ERR_DECODE_INVALID_VALUE',
      `Unknown transaction state id ${value.transactionStatus} in the transaction log record of ${JSON.stringify(transactionalId)}`,
    );
  }
  const partitions = new Map<string, Set<number>>();
  if (state !== 'Empty') {
    for (const { topic, partitionIds } of value.transactionPartitions ?? []) {
      let set = partitions.get(topic);
      if (set === undefined) partitions.set(topic, (set = new Set()));
      for (const p of partitionIds) set.add(p);
    }
  }
  return {
    transactionalId,
    producerId: value.producerId,
    previousProducerId: value.previousProducerId,
    producerEpoch: value.producerEpoch,
    lastProducerEpoch: NO_PRODUCER_EPOCH,
    txnTimeoutMs: value.transactionTimeoutMs,
    state,
    partitions,
    txnStartTimestamp: Number(value.transactionStartTimestampMs),
    txnLastUpdateTimestamp: Number(value.transactionLastUpdateTimestampMs),
  };
}

/**
 * The fields of a transactional id that its records persist, in a canonical order: what replaying
 * the records must reproduce. The previous producer id and last epoch are in memory only.
 */
export function persistedState(txn: TransactionMetadata) {
  return {
    transactionalId: txn.transactionalId,
    producerId: txn.producerId,
    producerEpoch: txn.producerEpoch,
    txnTimeoutMs: txn.txnTimeoutMs,
    state: txn.state,
    partitions: [...txn.partitions]
      .map(([topic, set]) => ({ topic, partitions: [...set].sort((a, b) => a - b) }))
      .sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : 0)),
    txnStartTimestamp: txn.txnStartTimestamp,
    txnLastUpdateTimestamp: txn.txnLastUpdateTimestamp,
  };
}
