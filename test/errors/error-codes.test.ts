import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ErrorCodes, KafkaError, errorByCode, toErrorCode } from '../../src/errors/kafka-error.js';
import { SamsaError } from '../../src/errors/samsa-error.js';
import { ERRORS } from '../support/specs.js';

test('the error table holds every code of errors.json with its name, message and retriability', () => {
  assert.equal(Object.keys(ErrorCodes).length, ERRORS.length);
  for (const e of ERRORS) {
    assert.deepEqual(errorByCode(e.code), {
      name: e.name,
      code: e.code,
      message: e.message,
      retriable: e.retriable,
    });
  }
  assert.equal(errorByCode(10_000), undefined);
});

test('KafkaError carries the wire code; toErrorCode maps internal errors once, at the edge', () => {
  const err = new KafkaError('UNKNOWN_TOPIC_OR_PARTITION', 'Topic "orders" does not exist');
  assert.equal(err.errorCode, 3);
  assert.equal(err.retriable, true);
  assert.equal(toErrorCode(err), 3);
  assert.equal(
    toErrorCode(new SamsaError('SAMSA_ERR_RECORD_BATCH_CORRUPT', 'bad crc')),
    ErrorCodes.CORRUPT_MESSAGE.code,
  );
  assert.equal(toErrorCode(new SamsaError('SAMSA_ERR_UNSUPPORTED_VERSION', 'v99')), 35);
  assert.equal(toErrorCode(new TypeError('boom')), -1);
  const chained = new SamsaError('SAMSA_ERR_DECODE_TRUNCATED', 'short', {
    cause: new RangeError('x'),
  });
  assert.ok(chained.cause instanceof RangeError);
});
