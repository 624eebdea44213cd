// Emits the TypeScript for one or more message specs that share a generated file: a type per
// struct, a default factory, and a reader and writer that take the message version.
import type {
  FieldSpec,
  MessageSpec,
  PrimitiveName,
  StructSpec,
  TypeRef,
  VersionRange,
} from './spec.js';

/** The versions in which code runs: a message's valid versions narrowed by enclosing fields. */
type Context = VersionRange;

function intersect(a: VersionRange | null, b: VersionRange): VersionRange | null {
  if (a === null) return null;
  const min = Math.max(a.min, b.min);
  const max = Math.min(a.max, b.max);
  return min <= max ? { min, max } : null;
}

/** A JS condition on `v` for "v is in range", simplified within the context. */
export function versionCond(range: VersionRange | null, ctx: Context): string {
  const r = intersect(range, ctx);
  if (r === null) return 'false';
  const lo = r.min > ctx.min;
  const hi = r.max < ctx.max;
  if (!lo && !hi) return 'true';
  if (r.min === r.max) return `v === ${r.min}`;
  if (lo && hi) return `v >= ${r.min} && v <= ${r.max}`;
  return lo ? `v >= ${r.min}` : `v <= ${r.max}`;
}

function pick(cond: string, a: string, b: string): string {
  if (cond === 'true' || a === b) return a;
  if (cond === 'false') return b;
  return `(${cond} ? ${a} : ${b})`;
}

const NUMERIC_READ: Partial<Record<PrimitiveName, string>> = {
  bool: 'Bool',
  int8: 'Int8',
  int16: 'Int16',
  uint16: 'UInt16',
  int32: 'Int32',
  uint32: 'UInt32',
  int64: 'Int64',
  float64: 'Float64',
  uuid: 'Uuid',
};

const FIXED_SIZE: Partial<Record<PrimitiveName, number>> = {
  bool: 1,
  int8: 1,
  int16: 2,
  uint16: 2,
  int32: 4,
  uint32: 4,
  int64: 8,
  float64: 8,
  uuid: 16,
};

export function tsType(type: TypeRef): string {
  switch (type.kind) {
    case 'array':
      return `${tsType(type.element)}[]`;
    case 'struct':
      return type.struct.tsName;
    case 'primitive':
      switch (type.name) {
        case 'bool':
          return 'boolean';
        case 'int64':
          return 'bigint';
        case 'string':
        case 'uuid':
          return 'string';
        case 'bytes':
        case 'records':
          return 'Buffer';
        default:
          return 'number';
      }
  }
}

function isNullDefault(d: FieldSpec['default']): boolean {
  return d === null || d === 'null';
}

function fieldTsType(f: FieldSpec): string {
  const base = tsType(f.type);
  const nullable =
    f.nullableVersions !== null || (f.type.kind === 'primitive' && f.type.name === 'records');
  return nullable ? `${base} | null` : base;
}

/** The default value of a field, as a TypeScript expression. */
export function defaultExpr(f: FieldSpec): string {
  const d = f.default;
  if (isNullDefault(d)) return 'null';
  const t = f.type;
  if (t.kind === 'array') return '[]';
  if (t.kind === 'struct') return `default${t.struct.tsName}()`;
  switch (t.name) {
    case 'bool':
      return d === true || d === 'true' ? 'true' : 'false';
    case 'int64':
      return `${d === undefined ? 0n : BigInt(d as string | number)}n`;
    case 'float64':
      return `${d === undefined ? 0 : Number(d)}`;
    case 'string':
      return JSON.stringify(d === undefined ? '' : String(d));
    case 'uuid':
      return JSON.stringify(d === undefined ? 'AAAAAAAAAAAAAAAAAAAAAA' : String(d));
    case 'bytes':
      return 'EMPTY_BYTES';
    case 'records':
      return 'null';
    default:
      return `${d === undefined ? 0 : Number(d)}`;
  }
}

/** A condition that is true when `value` equals the field's default. */
function isDefaultCond(f: FieldSpec, value: string): string {
  const d = defaultExpr(f);
  if (d === 'null') return `${value} === null`;
  const t = f.type;
  if (
    t.kind === 'array' ||
    (t.kind === 'primitive' && (t.name === 'bytes' || t.name === 'records'))
  ) {
    return `(${value} !== null && ${value}.length === 0)`;
  }
  if (t.kind === 'struct') {
    const check = `isDefault${t.struct.tsName}(${value})`;
    return f.nullableVersions === null ? check : `(${value} !== null && ${check})`;
  }
  return `${value} === ${d}`;
}

/** A condition that is true when `value` differs from the field's default. */
function notDefaultCond(f: FieldSpec, value: string): string {
  return `!(${isDefaultCond(f, value)})`;
}

interface Ctx {
  range: Context;
  /** Condition for compact (flexible) encodings of this field. */
  flexible: string;
  /** The reader or writer variable. */
  io: string;
}

export class MessageEmitter {
  readonly #lines: string[] = [];
  readonly #specs: MessageSpec[];

  constructor(specs: MessageSpec[]) {
    this.#specs = specs;
  }

  #out(line = ''): void {
    this.#lines.push(line);
  }

  emit(): string {
    for (const spec of this.#specs) this.#emitSpec(spec);
    return this.#lines.join('\n');
  }

  #emitSpec(spec: MessageSpec): void {
    const range = spec.validVersions;
    for (const struct of spec.structs) this.#emitType(struct);
    for (const struct of spec.structs) this.#emitDefault(struct);
    for (const struct of spec.structs) this.#emitIsDefault(struct);
    for (const struct of spec.structs) this.#emitReader(spec, struct, range);
    for (const struct of spec.structs) this.#emitWriter(spec, struct, range);
    const { min, max } = range;
    const name = spec.name;
    this.#out(`/** Decodes ${name} v${min}-${max} from the reader's position. */`);
    this.#out(`export function decode${name}(r: Reader, version: number): ${name} {`);
    this.#out(
      `  if (version < ${min} || version > ${max}) throw unsupportedVersion('${name}', version, ${min}, ${max});`,
    );
    this.#out(`  return read${name}(r, version);`);
    this.#out('}');
    this.#out();
    this.#out(`/** Encodes ${name} at the given version. */`);
    this.#out(
      `export function encode${name}(w: Writer, version: number, message: ${name}): void {`,
    );
    this.#out(
      `  if (version < ${min} || version > ${max}) throw unsupportedVersion('${name}', version, ${min}, ${max});`,
    );
    this.#out(`  write${name}(w, version, message);`);
    this.#out('}');
    this.#out();
  }

  #emitType(struct: StructSpec): void {
    this.#out(`export interface ${struct.tsName} {`);
    for (const f of struct.fields) {
      if (f.about) this.#out(`  /** ${f.about.replace(/\*\//g, '*\\/')} */`);
      this.#out(`  ${f.prop}: ${fieldTsType(f)};`);
    }
    this.#out(
      '  /** Tagged fields this version of the spec does not know, kept for re-encoding. */',
    );
    this.#out('  _unknownTaggedFields?: TaggedField[];');
    this.#out('}');
    this.#out();
  }

  #emitDefault(struct: StructSpec): void {
    this.#out(`export function default${struct.tsName}(): ${struct.tsName} {`);
    this.#out('  return {');
    for (const f of struct.fields) this.#out(`    ${f.prop}: ${defaultExpr(f)},`);
    this.#out('  };');
    this.#out('}');
    this.#out();
  }

  /** Field-by-field default check: tagged fields are written only when not default. */
  #emitIsDefault(struct: StructSpec): void {
    this.#out(`function isDefault${struct.tsName}(m: ${struct.tsName}): boolean {`);
    const conds = struct.fields.map((f) => isDefaultCond(f, `m.${f.prop}`));
    conds.push('m._unknownTaggedFields === undefined');
    this.#out(`  return (\n    ${conds.join(' &&\n    ')}\n  );`);
    this.#out('}');
    this.#out();
  }

  // ---- reading -------------------------------------------------------------------------------

  #readScalar(t: PrimitiveName, nullable: string, ctx: Ctx): string {
    const r = ctx.io;
    const numeric = NUMERIC_READ[t];
    if (numeric !== undefined) return `${r}.read${numeric}()`;
    const kind = t === 'string' ? 'String' : 'Bytes';
    const compact = pick(
      nullable,
      `${r}.readCompactNullable${kind}()`,
      `${r}.readCompact${kind}()`,
    );
    const classic = pick(nullable, `${r}.readNullable${kind}()`, `${r}.read${kind}()`);
    return pick(ctx.flexible, compact, classic);
  }

  #minSize(t: TypeRef, ctx: Ctx): string {
    if (t.kind === 'primitive') {
      const fixed = FIXED_SIZE[t.name];
      if (fixed !== undefined) return String(fixed);
      return pick(ctx.flexible, '1', t.name === 'string' ? '2' : '4');
    }
    if (t.kind === 'array') return pick(ctx.flexible, '1', '4');
    // A struct takes at least one byte when flexible (its tag section) or when a regular field is
    // present in every version of the context.
    const always = t.struct.fields.some(
      (f) => f.taggedVersions === null && versionCond(f.versions, ctx.range) === 'true',
    );
    return always ? '1' : pick(ctx.flexible, '1', '0');
  }

  /** Statements that read a value of type t into `target` (already declared). */
  #readInto(target: string, f: FieldSpec, t: TypeRef, ctx: Ctx, indent: string): string[] {
    const nullable = versionCond(f.nullableVersions, ctx.range);
    if (t.kind === 'primitive') {
      if (t.name === 'records') {
        return [
          `${indent}${target} = ${this.#readScalar('bytes', nullable === 'false' ? 'false' : nullable, ctx)};`,
        ];
      }
      return [`${indent}${target} = ${this.#readScalar(t.name, nullable, ctx)};`];
    }
    if (t.kind === 'struct') {
      const call = `read${t.struct.tsName}(${ctx.io}, v)`;
      if (nullable === 'false') return [`${indent}${target} = ${call};`];
      const marker = `${ctx.io}.readInt8() < 0`;
      if (nullable === 'true') return [`${indent}${target} = ${marker} ? null : ${call};`];
      return [`${indent}${target} = ${nullable} && ${marker} ? null : ${call};`];
    }
    const el = t.element;
    const min = this.#minSize(el, ctx);
    const count = pick(
      ctx.flexible,
      `${ctx.io}.readCompactArrayCount(${min})`,
      `${ctx.io}.readArrayCount(${min})`,
    );
    const elementType = tsType(el);
    const lines = [`${indent}{`, `${indent}  const n = ${count};`];
    const notNull = `${indent}  if (n < 0) throw nullInVersion('${f.prop}', v);`;
    if (nullable === 'true') {
      lines.push(`${indent}  if (n < 0) ${target} = null;`, `${indent}  else {`);
    } else if (nullable === 'false') {
      lines.push(notNull, `${indent}  {`);
    } else {
      lines.push(
        `${indent}  if (n < 0 && !(${nullable})) throw nullInVersion('${f.prop}', v);`,
        `${indent}  if (n < 0) ${target} = null;`,
        `${indent}  else {`,
      );
    }
    lines.push(`${indent}    const a: ${elementType}[] = [];`);
    const elementRead =
      el.kind === 'struct'
        ? `read${el.struct.tsName}(${ctx.io}, v)`
        : el.kind === 'primitive'
          ? this.#readScalar(el.name, 'false', ctx)
          : null;
    if (elementRead === null) throw new Error(`Nested arrays are not supported (${f.name})`);
    lines.push(`${indent}    for (let i = 0; i < n; i++) a.push(${elementRead});`);
    lines.push(`${indent}    ${target} = a;`, `${indent}  }`, `${indent}}`);
    return lines;
  }

  #emitReader(spec: MessageSpec, struct: StructSpec, range: Context): void {
    const flexible = versionCond(spec.flexibleVersions, range);
    this.#out(`function read${struct.tsName}(r: Reader, v: number): ${struct.tsName} {`);
    if (flexible !== 'true' && flexible !== 'false') this.#out(`  const flexible = ${flexible};`);
    const flexVar = flexible === 'true' || flexible === 'false' ? flexible : 'flexible';
    for (const f of struct.fields) {
      this.#out(`  let ${f.prop}: ${fieldTsType(f)} = ${defaultExpr(f)};`);
    }
    for (const f of struct.fields) {
      if (f.taggedVersions !== null) continue;
      const present = versionCond(f.versions, range);
      if (present === 'false') continue;
      const fieldRange = present === 'true' ? range : intersectOrThrow(f.versions, range);
      const ctx: Ctx = {
        range: fieldRange,
        flexible: fieldFlexible(f, flexVar, fieldRange),
        io: 'r',
      };
      const body = this.#readInto(f.prop, f, f.type, ctx, present === 'true' ? '  ' : '    ');
      if (present === 'true') body.forEach((l) => this.#out(l));
      else {
        this.#out(`  if (${present}) {`);
        body.forEach((l) => this.#out(l));
        this.#out('  }');
      }
    }
    const tagged = struct.fields.filter((f) => f.taggedVersions !== null);
    if (flexible !== 'false') {
      this.#out('  let unknown: TaggedField[] | undefined;');
      const open = flexible === 'true' ? '  {' : '  if (flexible) {';
      this.#out(open);
      this.#out('    for (let n = r.readTaggedFieldCount(); n > 0; n--) {');
      this.#out('      const tag = r.readUVarint();');
      this.#out('      const t = r.readTaggedFieldReader(tag);');
      if (tagged.length > 0) {
        this.#out('      switch (tag) {');
        for (const f of tagged) {
          const present = versionCond(intersect(f.taggedVersions, f.versions ?? range), range);
          if (present === 'false') continue;
          const fieldRange = intersectOrThrow(f.taggedVersions, range);
          const ctx: Ctx = { range: fieldRange, flexible: 'true', io: 't' };
          this.#out(`        case ${f.tag}:`);
          if (present !== 'true') this.#out(`          if (!(${present})) break;`);
          this.#readInto(f.prop, f, f.type, ctx, '          ').forEach((l) => this.#out(l));
          this.#out('          t.expectEnd(tag);');
          this.#out('          continue;');
        }
        this.#out('      }');
      }
      this.#out('      (unknown ??= []).push(t.rest(tag));');
      this.#out('    }');
      this.#out('  }');
    }
    this.#out(`  const message: ${struct.tsName} = {`);
    for (const f of struct.fields) this.#out(`    ${f.prop},`);
    this.#out('  };');
    if (flexible !== 'false')
      this.#out('  if (unknown !== undefined) message._unknownTaggedFields = unknown;');
    this.#out('  return message;');
    this.#out('}');
    this.#out();
  }

  // ---- writing -------------------------------------------------------------------------------

  /** nonNull is the value asserted non-null, for versions where null was already refused. */
  #writeScalar(
    t: PrimitiveName,
    value: string,
    nonNull: string,
    nullable: string,
    ctx: Ctx,
  ): string {
    const w = ctx.io;
    const numeric = NUMERIC_READ[t];
    if (numeric !== undefined) return `${w}.write${numeric}(${nonNull});`;
    const kind = t === 'string' ? 'String' : 'Bytes';
    const compact = pick(
      nullable,
      `${w}.writeCompactNullable${kind}(${value})`,
      `${w}.writeCompact${kind}(${nonNull})`,
    );
    const classic = pick(
      nullable,
      `${w}.writeNullable${kind}(${value})`,
      `${w}.write${kind}(${nonNull})`,
    );
    return `${pick(ctx.flexible, compact, classic)};`;
  }

  #writeValue(
    value: string,
    f: FieldSpec,
    t: TypeRef,
    ctx: Ctx,
    indent: string,
    path: string,
  ): string[] {
    const nullable = versionCond(f.nullableVersions, ctx.range);
    const isNullableType = fieldTsType(f).endsWith('| null');
    const lines: string[] = [];
    // A null in a version where the field is not nullable cannot be encoded.
    if (isNullableType && nullable !== 'true') {
      const cond =
        nullable === 'false' ? `${value} === null` : `${value} === null && !(${nullable})`;
      lines.push(`${indent}if (${cond}) throw nullNotEncodable('${path}', v);`);
    }
    const nonNull = isNullableType && nullable !== 'true' ? `${value}!` : value;
    if (t.kind === 'primitive') {
      const scalar = t.name === 'records' ? 'bytes' : t.name;
      lines.push(indent + this.#writeScalar(scalar, value, nonNull, nullable, ctx));
      return lines;
    }
    if (t.kind === 'struct') {
      const call = (x: string): string => `write${t.struct.tsName}(${ctx.io}, v, ${x});`;
      if (!isNullableType) lines.push(indent + call(value));
      else if (nullable === 'false') lines.push(indent + call(nonNull));
      else {
        const marker = nullable === 'true' ? '' : `${nullable} && `;
        lines.push(
          `${indent}if (${marker}${value} === null) ${ctx.io}.writeInt8(-1);`,
          `${indent}else {`,
          ...(nullable === 'true'
            ? [`${indent}  ${ctx.io}.writeInt8(1);`]
            : [`${indent}  if (${nullable}) ${ctx.io}.writeInt8(1);`]),
          `${indent}  ${call(`${value}!`)}`,
          `${indent}}`,
        );
      }
      return lines;
    }
    const el = t.element;
    const count = (n: string): string =>
      `${pick(ctx.flexible, `${ctx.io}.writeCompactArrayCount(${n})`, `${ctx.io}.writeArrayCount(${n})`)};`;
    const elementWrite =
      el.kind === 'struct'
        ? `write${el.struct.tsName}(${ctx.io}, v, e);`
        : el.kind === 'primitive'
          ? this.#writeScalar(el.name, 'e', 'e', 'false', ctx)
          : null;
    if (elementWrite === null) throw new Error(`Nested arrays are not supported (${f.name})`);
    if (isNullableType && nullable !== 'false') {
      lines.push(`${indent}if (${value} === null) ${count('-1')}`, `${indent}else {`);
    } else {
      lines.push(`${indent}{`);
    }
    lines.push(
      `${indent}  const a = ${value}${isNullableType ? '!' : ''};`,
      `${indent}  ${count('a.length')}`,
      `${indent}  for (const e of a) ${elementWrite}`,
      `${indent}}`,
    );
    return lines;
  }

  #emitWriter(spec: MessageSpec, struct: StructSpec, range: Context): void {
    const flexible = versionCond(spec.flexibleVersions, range);
    this.#out(`function write${struct.tsName}(w: Writer, v: number, m: ${struct.tsName}): void {`);
    if (flexible !== 'true' && flexible !== 'false') this.#out(`  const flexible = ${flexible};`);
    const flexVar = flexible === 'true' || flexible === 'false' ? flexible : 'flexible';
    const absentCheck = (f: FieldSpec, present: string, indent: string): void => {
      if (f.ignorable) return;
      const guard = present === 'false' ? '' : `!(${present}) && `;
      this.#out(`${indent}if (${guard}${notDefaultCond(f, `m.${f.prop}`)}) {`);
      this.#out(`${indent}  throw fieldNotInVersion('${struct.tsName}.${f.prop}', v);`);
      this.#out(`${indent}}`);
    };
    for (const f of struct.fields) {
      if (f.taggedVersions !== null) continue;
      const present = versionCond(f.versions, range);
      if (present !== 'true') absentCheck(f, present, '  ');
      if (present === 'false') continue;
      const fieldRange = present === 'true' ? range : intersectOrThrow(f.versions, range);
      const ctx: Ctx = {
        range: fieldRange,
        flexible: fieldFlexible(f, flexVar, fieldRange),
        io: 'w',
      };
      const path = `${struct.tsName}.${f.prop}`;
      const body = this.#writeValue(
        `m.${f.prop}`,
        f,
        f.type,
        ctx,
        present === 'true' ? '  ' : '    ',
        path,
      );
      if (present === 'true') body.forEach((l) => this.#out(l));
      else {
        this.#out(`  if (${present}) {`);
        body.forEach((l) => this.#out(l));
        this.#out('  }');
      }
    }
    const tagged = struct.fields.filter((f) => f.taggedVersions !== null);
    for (const f of tagged) {
      const present = versionCond(intersect(f.taggedVersions, f.versions ?? range), range);
      if (present !== 'true') absentCheck(f, present, '  ');
    }
    if (flexible !== 'false') {
      this.#out(flexible === 'true' ? '  {' : '  if (flexible) {');
      if (tagged.length === 0) {
        this.#out('    w.writeTaggedFields(m._unknownTaggedFields ?? NO_TAGGED_FIELDS);');
      } else {
        this.#out('    let tagged: TaggedField[] | undefined;');
        for (const f of tagged) {
          const present = versionCond(intersect(f.taggedVersions, f.versions ?? range), range);
          if (present === 'false') continue;
          const fieldRange = intersectOrThrow(f.taggedVersions, range);
          const ctx: Ctx = { range: fieldRange, flexible: 'true', io: 't' };
          const guard = present === 'true' ? '' : `${present} && `;
          this.#out(`    if (${guard}${notDefaultCond(f, `m.${f.prop}`)}) {`);
          this.#out(`      (tagged ??= []).push(encodeTaggedField(${f.tag}, (t) => {`);
          this.#writeValue(
            `m.${f.prop}`,
            f,
            f.type,
            ctx,
            '        ',
            `${struct.tsName}.${f.prop}`,
          ).forEach((l) => this.#out(l));
          this.#out('      }));');
          this.#out('    }');
        }
        this.#out(
          '    if (m._unknownTaggedFields) (tagged ??= []).push(...m._unknownTaggedFields);',
        );
        this.#out('    w.writeTaggedFields(tagged ?? NO_TAGGED_FIELDS);');
      }
      this.#out('  }');
    }
    this.#out('}');
    this.#out();
  }
}

function intersectOrThrow(a: VersionRange | null, b: VersionRange): VersionRange {
  const r = intersect(a, b);
  if (r === null) throw new Error('Empty version range');
  return r;
}

function fieldFlexible(f: FieldSpec, messageFlexible: string, range: Context): string {
  if (f.flexibleVersions === undefined) return messageFlexible;
  return versionCond(f.flexibleVersions, range);
}
