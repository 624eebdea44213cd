// CRC-32C against published check values (RFC 3720 appendix B.4 and the "123456789" check).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { crc32c } from '../../../src/protocol/records/crc32c.js';

describe('crc32c', () => {
  it('gives the standard check value for "123456789"', () => {
    assert.equal(crc32c(Buffer.from('123456789', 'latin1')), 0xe3069283);
  });

  it('matches the RFC 3720 iSCSI test vectors', () => {
    assert.equal(crc32c(Buffer.alloc(32, 0x00)), 0x8a9136aa);
    assert.equal(crc32c(Buffer.alloc(32, 0xff)), 0x62a8ab43);
    const ascending = Buffer.from(Array.from({ length: 32 }, (_, i) => i));
    assert.equal(crc32c(ascending), 0x46dd794e);
    const descending = Buffer.from(Array.from({ length: 32 }, (_, i) => 31 - i));
    assert.equal(crc32c(descending), 0x113fdb5c);
  });

  it('is 0 for no bytes and always unsigned', () => {
    assert.equal(crc32c(Buffer.alloc(0)), 0);
    const value = crc32c(Buffer.from('a'));
    assert.ok(value >= 0 && value <= 0xffffffff);
    assert.equal(value, 0xc1d04330);
  });

  it('continues a running checksum across chunks', () => {
    const data = Buffer.from('The quick brown fox jumps over the lazy dog');
    const whole = crc32c(data);
    assert.equal(whole, 0x22620404);
    assert.equal(crc32c(data.subarray(10), crc32c(data.subarray(0, 10))), whole);
  });

  it('reads only the view it is given', () => {
    const backing = Buffer.from('xx123456789yy', 'latin1');
    assert.equal(crc32c(backing.subarray(2, 11)), 0xe3069283);
  });
});
