// Reads Kafka's JSON message specs into a normalized model the emitters and tests share.
// The spec files carry // and /* */ comments, which are stripped (outside strings) before parsing.
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';

export interface VersionRange {
  min: number;
  /** Inclusive; Infinity for an open range such as "3+". */
  max: number;
}

export type TypeRef =
  | { kind: 'primitive'; name: PrimitiveName }
  | { kind: 'array'; element: TypeRef }
  | { kind: 'struct'; struct: StructSpec };

export type PrimitiveName =
  | 'bool'
  | 'int8'
  | 'int16'
  | 'uint16'
  | 'int32'
  | 'uint32'
  | 'int64'
  | 'float64'
  | 'string'
  | 'bytes'
  | 'uuid'
  | 'records';

export interface FieldSpec {
  name: string;
  /** The property name in generated code: the spec name in camelCase. */
  prop: string;
  type: TypeRef;
  versions: VersionRange | null;
  nullableVersions: VersionRange | null;
  taggedVersions: VersionRange | null;
  tag: number | null;
  /** A field-level override of the message's flexible versions (the header's ClientId). */
  flexibleVersions: VersionRange | null | undefined;
  default: string | number | boolean | null | undefined;
  ignorable: boolean;
  about: string | undefined;
}

export interface StructSpec {
  /** The name used in the spec. */
  name: string;
  /** The TypeScript type name, unique across the generated file. */
  tsName: string;
  fields: FieldSpec[];
}

export type SpecType = 'request' | 'response' | 'header' | 'data';

export interface MessageSpec {
  file: string;
  folder: string;
  name: string;
  type: SpecType;
  apiKey: number | null;
  validVersions: VersionRange;
  flexibleVersions: VersionRange | null;
  deprecatedVersions: VersionRange | null;
  listeners: string[];
  latestVersionUnstable: boolean;
  /** The root struct (its tsName is the message name). */
  root: StructSpec;
  /** Every struct of the message, root last, in first-use order. */
  structs: StructSpec[];
}

export interface ErrorSpec {
  code: number;
  name: string;
  message: string | null;
  retriable: boolean;
}

export const SPEC_FOLDERS = [
  'clients',
  'group-coordinator',
  'transaction-coordinator',
  'share-coordinator',
  'raft',
  'streams',
] as const;

/** Removes // and /* *\/ comments that stand outside JSON strings. */
export function stripJsonComments(text: string): string {
  let out = '';
  let i = 0;
  let inString = false;
  while (i < text.length) {
    const c = text[i]!;
    if (inString) {
      out += c;
      if (c === '\\') {
        out += text[i + 1] ?? '';
        i += 2;
        continue;
      }
      if (c === '"') inString = false;
      i++;
    } else if (c === '"') {
      inString = true;
      out += c;
      i++;
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end === -1 ? text.length : end + 2;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

export function parseVersions(text: string | undefined): VersionRange | null {
  if (text === undefined || text === 'none') return null;
  const plus = /^(\d+)\+$/.exec(text);
  if (plus) return { min: Number(plus[1]), max: Infinity };
  const span = /^(\d+)-(\d+)$/.exec(text);
  if (span) return { min: Number(span[1]), max: Number(span[2]) };
  if (/^\d+$/.test(text)) return { min: Number(text), max: Number(text) };
  throw new Error(`Invalid version range "${text}"`);
}

export function inRange(range: VersionRange | null, v: number): boolean {
  return range !== null && v >= range.min && v <= range.max;
}

export function camelCase(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1);
}

interface RawField {
  name: string;
  type: string;
  versions?: string;
  nullableVersions?: string;
  taggedVersions?: string;
  tag?: number;
  flexibleVersions?: string;
  default?: string | number | boolean | null;
  ignorable?: boolean;
  about?: string;
  fields?: RawField[];
}

interface RawSpec {
  apiKey?: number;
  type: SpecType;
  name: string;
  validVersions: string;
  flexibleVersions?: string;
  deprecatedVersions?: string;
  listeners?: string[];
  latestVersionUnstable?: boolean;
  fields: RawField[];
  commonStructs?: { name: string; versions?: string; fields: RawField[] }[];
}

const PRIMITIVES = new Set<string>([
  'bool',
  'int8',
  'int16',
  'uint16',
  'int32',
  'uint32',
  'int64',
  'float64',
  'string',
  'bytes',
  'uuid',
  'records',
]);

function structTsName(messageName: string, structName: string): string {
  return structName.startsWith(messageName) ? structName : messageName + structName;
}

export function parseSpec(raw: RawSpec, file: string, folder: string): MessageSpec {
  const structs: StructSpec[] = [];
  const byName = new Map<string, StructSpec>();
  const common = new Map((raw.commonStructs ?? []).map((s) => [s.name, s]));

  const defineStruct = (name: string, rawFields: RawField[]): StructSpec => {
    if (byName.has(name)) throw new Error(`${file}: struct ${name} is defined more than once`);
    const struct: StructSpec = { name, tsName: structTsName(raw.name, name), fields: [] };
    byName.set(name, struct);
    struct.fields = rawFields.map(parseField);
    structs.push(struct);
    return struct;
  };

  const resolveType = (typeName: string, rawField: RawField): TypeRef => {
    if (typeName.startsWith('[]')) {
      return { kind: 'array', element: resolveType(typeName.slice(2), rawField) };
    }
    if (PRIMITIVES.has(typeName)) return { kind: 'primitive', name: typeName as PrimitiveName };
    if (rawField.fields !== undefined)
      return { kind: 'struct', struct: defineStruct(typeName, rawField.fields) };
    const known = byName.get(typeName);
    if (known) return { kind: 'struct', struct: known };
    const shared = common.get(typeName);
    if (shared) return { kind: 'struct', struct: defineStruct(typeName, shared.fields) };
    throw new Error(`${file}: unknown type ${typeName} of field ${rawField.name}`);
  };

  function parseField(f: RawField): FieldSpec {
    const taggedVersions = parseVersions(f.taggedVersions);
    return {
      name: f.name,
      prop: camelCase(f.name),
      type: resolveType(f.type, f),
      // A tagged field may omit "versions"; it then exists exactly in its tagged versions.
      versions: f.versions === undefined ? taggedVersions : parseVersions(f.versions),
      nullableVersions: parseVersions(f.nullableVersions),
      taggedVersions,
      tag: f.tag ?? null,
      flexibleVersions:
        f.flexibleVersions === undefined ? undefined : parseVersions(f.flexibleVersions),
      default: f.default,
      ignorable: f.ignorable === true,
      about: f.about,
    };
  }

  const root: StructSpec = { name: raw.name, tsName: raw.name, fields: [] };
  root.fields = raw.fields.map(parseField);
  structs.push(root);
  const validVersions = parseVersions(raw.validVersions);
  if (validVersions === null) throw new Error(`${file}: no valid versions`);
  return {
    file,
    folder,
    name: raw.name,
    type: raw.type,
    apiKey: raw.apiKey ?? null,
    validVersions,
    flexibleVersions: parseVersions(raw.flexibleVersions),
    deprecatedVersions: parseVersions(raw.deprecatedVersions),
    listeners: raw.listeners ?? [],
    latestVersionUnstable: raw.latestVersionUnstable === true,
    root,
    structs,
  };
}

export function readJsonWithComments(path: string): unknown {
  return JSON.parse(stripJsonComments(readFileSync(path, 'utf8')));
}

/** Every message spec under the spec directory, sorted by folder then file name. */
export function loadSpecs(specDir: string): MessageSpec[] {
  const specs: MessageSpec[] = [];
  for (const folder of SPEC_FOLDERS) {
    const dir = join(specDir, folder);
    if (!existsSync(dir)) continue;
    for (const file of readdirSync(dir).sort()) {
      if (!file.endsWith('.json')) continue;
      specs.push(parseSpec(readJsonWithComments(join(dir, file)) as RawSpec, file, folder));
    }
  }
  return specs;
}

export function loadErrors(specDir: string): ErrorSpec[] {
  return readJsonWithComments(join(specDir, 'errors.json')) as ErrorSpec[];
}

/** Where the specs live: SAMSA_PROTOCOL_SPECS, else ../shared/kafka-protocol beside the project. */
export function defaultSpecDir(projectRoot: string): string {
  return process.env.SAMSA_PROTOCOL_SPECS ?? join(projectRoot, '..', 'shared', 'kafka-protocol');
}
