// Java Properties.load syntax, which server.properties files are written in.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseProperties } from '../../src/config/properties.js';

const parse = (text: string) =>
  parseProperties(text, 'server.properties').map(({ key, value, line }) => [key, value, line]);

test('key=value, key: value and key value, with blanks around the separator', () => {
  assert.deepEqual(parse('a=1\nb: 2\nc 3\n  d  =  4\ne\t:\t5\nf = = 6\ng'), [
    ['a', '1', 1],
    ['b', '2', 2],
    ['c', '3', 3],
    ['d', '4', 4],
    ['e', '5', 5],
    ['f', '= 6', 6],
    ['g', '', 7],
  ]);
});

test('comment lines start with # or ! after optional blanks; blank lines are skipped', () => {
  assert.deepEqual(parse('# a=1\n   ! b=2\n\n \t \nc=3 # not a comment\n'), [
    ['c', '3 # not a comment', 5],
  ]);
});

test('a trailing backslash continues a line; the next line loses its leading blanks', () => {
  assert.deepEqual(parse('listeners=PLAINTEXT://:9092,\\\n    SSL://:9093\nnext=1'), [
    ['listeners', 'PLAINTEXT://:9092,SSL://:9093', 1],
    ['next', '1', 3],
  ]);
  assert.deepEqual(
    parse('a=x\\\\\nb=y'),
    [
      ['a', 'x\\', 1],
      ['b', 'y', 2],
    ],
    'an even run of backslashes is escaped backslashes, not a continuation',
  );
  assert.deepEqual(
    parse('a=1\\\n# still value\nb=2'),
    [
      ['a', '1# still value', 1],
      ['b', '2', 3],
    ],
    'a continued line is never a comment',
  );
  assert.deepEqual(
    parse('a=1\\'),
    [['a', '1', 1]],
    'a backslash at the end of the file is dropped',
  );
  assert.deepEqual(parse('# comment \\\nb=2'), [['b', '2', 2]], 'comments do not continue');
});

test('escapes: \\t \\n \\r \\f \\uXXXX, and backslash before anything else', () => {
  assert.deepEqual(parse('k\\=ey=v\\:a\\lue\nx=\\t\\n\\u0041\\\\\\z'), [
    ['k=ey', 'v:alue', 1],
    ['x', '\t\nA\\z', 2],
  ]);
  assert.deepEqual(parse('a\\ b=c'), [['a b', 'c', 1]]);
  assert.throws(() => parse('\n\nk=\\u12'), {
    code: 'SAMSA_ERR_CONFIG_SYNTAX',
    message: 'Malformed \\uxxxx encoding (server.properties line 3)',
  });
});

test('trailing blanks of a value are kept; all three line endings work', () => {
  assert.deepEqual(parse('a=1  \r\nb=2\rc=3\n'), [
    ['a', '1  ', 1],
    ['b', '2', 2],
    ['c', '3', 3],
  ]);
});

test('repeated keys are all returned in order (the last one wins when applied)', () => {
  assert.deepEqual(parse('a=1\na=2'), [
    ['a', '1', 1],
    ['a', '2', 2],
  ]);
});
