// fast-check arbitraries built straight from Kafka's JSON specs (not from the generated code), so the
// round-trip tests check the generator against the spec rather than against itself.
import fc from 'fast-check';
import type { FieldSpec, MessageSpec, StructSpec, TypeRef } from '../../scripts/protocol/spec.js';
import { inRange } from '../../scripts/protocol/spec.js';

type Value = unknown;

const ZERO_UUID = 'AAAAAAAAAAAAAAAAAAAAAA';

/** The value a field takes when a version lacks it, read independently from the spec. */
export function specDefault(field: FieldSpec): Value {
  const d = field.default;
  if (d === null || d === 'null') return null;
  const t = field.type;
  if (t.kind === 'array') return [];
  if (t.kind === 'struct') return structDefault(t.struct);
  switch (t.name) {
    case 'bool':
      return d === true || d === 'true';
    case 'int64':
      return d === undefined ? 0n : BigInt(d as string | number);
    case 'string':
      return d === undefined ? '' : String(d);
    case 'uuid':
      return d === undefined ? ZERO_UUID : String(d);
    case 'bytes':
      return Buffer.alloc(0);
    case 'records':
      return null;
    default:
      return d === undefined ? 0 : Number(d);
  }
}

export function structDefault(struct: StructSpec): Record<string, Value> {
  return Object.fromEntries(struct.fields.map((f) => [f.prop, specDefault(f)]));
}

function typeArb(t: TypeRef, v: number, flexible: boolean): fc.Arbitrary<Value> {
  if (t.kind === 'array') return fc.array(typeArb(t.element, v, flexible), { maxLength: 3 });
  if (t.kind === 'struct') return structArb(t.struct, v, flexible);
  switch (t.name) {
    case 'bool':
      return fc.boolean();
    case 'int8':
      return fc.integer({ min: -128, max: 127 });
    case 'int16':
      return fc.integer({ min: -32768, max: 32767 });
    case 'uint16':
      return fc.integer({ min: 0, max: 65535 });
    case 'int32':
      return fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 });
    case 'uint32':
      return fc.integer({ min: 0, max: 2 ** 32 - 1 });
    case 'int64':
      return fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n });
    case 'float64':
      return fc.double();
    case 'string':
      return fc.string({ maxLength: 12, unit: 'grapheme' });
    case 'uuid':
      return fc
        .uint8Array({ minLength: 16, maxLength: 16 })
        .map((b) => Buffer.from(b).toString('base64url'));
    case 'bytes':
    case 'records':
      return fc.uint8Array({ maxLength: 24 }).map((b) => Buffer.from(b));
  }
}

function fieldPresent(f: FieldSpec, v: number): boolean {
  if (f.taggedVersions !== null)
    return inRange(f.taggedVersions, v) && (f.versions === null || inRange(f.versions, v));
  return inRange(f.versions, v);
}

/** Unknown tagged fields, with tags beyond any the specs use, in the order a writer emits them. */
const unknownTaggedArb = fc
  .uniqueArray(fc.integer({ min: 1000, max: 1010 }), { minLength: 1, maxLength: 2 })
  .chain((tags) =>
    fc.tuple(
      ...tags
        .sort((a, b) => a - b)
        .map((tag) => fc.uint8Array({ maxLength: 6 }).map((d) => ({ tag, data: Buffer.from(d) }))),
    ),
  );

export function structArb(struct: StructSpec, v: number, flexible: boolean): fc.Arbitrary<Value> {
  const shape: Record<string, fc.Arbitrary<Value>> = {};
  for (const f of struct.fields) {
    if (!fieldPresent(f, v)) {
      shape[f.prop] = fc.constant(specDefault(f));
      continue;
    }
    const base = typeArb(f.type, v, flexible);
    shape[f.prop] = inRange(f.nullableVersions, v) ? fc.option(base, { nil: null, freq: 4 }) : base;
  }
  const record = fc.record(shape, { noNullPrototype: true });
  if (!flexible) return record;
  return fc
    .tuple(record, fc.option(unknownTaggedArb, { nil: undefined, freq: 3 }))
    .map(([value, unknown]) =>
      unknown === undefined ? value : { ...value, _unknownTaggedFields: unknown },
    );
}

export function messageArb(spec: MessageSpec, v: number): fc.Arbitrary<Value> {
  return structArb(spec.root, v, inRange(spec.flexibleVersions, v));
}
