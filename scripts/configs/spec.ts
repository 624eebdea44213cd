// Reads configs.json (Kafka's topic and broker config definitions, dumped from Kafka's own ConfigDef
// classes) into a checked model. Every field is type-checked here, so a changed or hand-edited
// JSON fails loudly at generation time instead of producing a quietly wrong table.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

export type ConfigTypeName =
  'BOOLEAN' | 'STRING' | 'INT' | 'SHORT' | 'LONG' | 'DOUBLE' | 'LIST' | 'CLASS' | 'PASSWORD';

const CONFIG_TYPE_NAMES: readonly string[] = [
  'BOOLEAN',
  'STRING',
  'INT',
  'SHORT',
  'LONG',
  'DOUBLE',
  'LIST',
  'CLASS',
  'PASSWORD',
];

export type DynamicMode = 'read-only' | 'per-broker' | 'cluster-wide';
export type TimeUnit = 'minutes' | 'hours';

/** `valid` as the JSON gives it: a Kafka range string, a list of allowed strings, or null. */
export type ValidSpec = string | string[] | null;

export interface TopicConfigSpec {
  name: string;
  type: ConfigTypeName;
  default: string | null;
  valid: ValidSpec;
  brokerSynonym: string[] | null;
  synonymUnits: Record<string, TimeUnit>;
  deprecated: boolean;
  describeWhenUnset: {
    source: string;
    synonyms: { name: string; value: string; source: string }[];
  };
  note: string;
}

export interface BrokerConfigSpec {
  name: string;
  type: ConfigTypeName;
  default: string | null;
  valid: ValidSpec;
  dynamic: DynamicMode;
  readOnly: boolean;
  sensitive: boolean;
  definedIn: string;
  topicConfig: string | null;
  unit: TimeUnit | null;
  listenerPrefixOnly: boolean;
  deprecated: boolean;
  describe: string | null;
  v39Default: string | null | undefined;
  note: string;
}

export interface IdName {
  id: number;
  name: string;
}

export interface ConfigsSpec {
  source: string;
  topic: TopicConfigSpec[];
  broker: BrokerConfigSpec[];
  configSources: IdName[];
  configTypes: IdName[];
  resourceTypes: IdName[];
  alterConfigOps: IdName[];
}

/** configs.json beside the project (../shared/reference), or SAMSA_CONFIG_SPECS (a file or its folder). */
export function defaultConfigSpecsPath(projectRoot: string): string {
  const override = process.env.SAMSA_CONFIG_SPECS;
  if (override === undefined || override === '') {
    return join(projectRoot, '..', 'shared', 'reference', 'configs.json');
  }
  return existsSync(override) && statSync(override).isDirectory()
    ? join(override, 'configs.json')
    : override;
}

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

function fail(where: string, what: string): never {
  throw new Error(`configs.json: ${where}: ${what}`);
}

function obj(v: Json | undefined, where: string): JsonObject {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(where, 'expected an object');
  return v;
}

function arr(v: Json | undefined, where: string): Json[] {
  if (!Array.isArray(v)) fail(where, 'expected an array');
  return v;
}

function str(v: Json | undefined, where: string): string {
  if (typeof v !== 'string') fail(where, 'expected a string');
  return v;
}

function strOrNull(v: Json | undefined, where: string): string | null {
  return v === null ? null : str(v, where);
}

function bool(v: Json | undefined, where: string): boolean {
  if (typeof v !== 'boolean') fail(where, 'expected a boolean');
  return v;
}

function num(v: Json | undefined, where: string): number {
  if (typeof v !== 'number') fail(where, 'expected a number');
  return v;
}

function typeName(v: Json | undefined, where: string): ConfigTypeName {
  const s = str(v, where);
  if (!CONFIG_TYPE_NAMES.includes(s)) fail(where, `unknown config type ${s}`);
  return s as ConfigTypeName;
}

function unit(v: Json | undefined, where: string): TimeUnit {
  const s = str(v, where);
  if (s !== 'minutes' && s !== 'hours') fail(where, `unknown unit ${s}`);
  return s;
}

function valid(v: Json | undefined, where: string): ValidSpec {
  if (v === null || typeof v === 'string') return v;
  return arr(v, where).map((s, i) => str(s, `${where}[${i}]`));
}

function strings(v: Json | undefined, where: string): string[] {
  return arr(v, where).map((s, i) => str(s, `${where}[${i}]`));
}

function topicSpec(v: Json, i: number): TopicConfigSpec {
  const o = obj(v, `topic[${i}]`);
  const at = `topic ${str(o.name, `topic[${i}].name`)}`;
  const units: Record<string, TimeUnit> = {};
  if (o.synonymUnits !== undefined) {
    for (const [k, u] of Object.entries(obj(o.synonymUnits, `${at}.synonymUnits`))) {
      units[k] = unit(u, `${at}.synonymUnits.${k}`);
    }
  }
  const d = obj(o.describeWhenUnset, `${at}.describeWhenUnset`);
  return {
    name: str(o.name, at),
    type: typeName(o.type, `${at}.type`),
    default: strOrNull(o.default, `${at}.default`),
    valid: valid(o.valid, `${at}.valid`),
    brokerSynonym:
      o.brokerSynonym === null ? null : strings(o.brokerSynonym, `${at}.brokerSynonym`),
    synonymUnits: units,
    deprecated: o.deprecated === undefined ? false : bool(o.deprecated, `${at}.deprecated`),
    describeWhenUnset: {
      source: str(d.source, `${at}.describeWhenUnset.source`),
      synonyms: arr(d.synonyms, `${at}.describeWhenUnset.synonyms`).map((s, j) => {
        const so = obj(s, `${at}.describeWhenUnset.synonyms[${j}]`);
        return {
          name: str(so.name, `${at}.synonyms[${j}].name`),
          value: str(so.value, `${at}.synonyms[${j}].value`),
          source: str(so.source, `${at}.synonyms[${j}].source`),
        };
      }),
    },
    note: str(o.note, `${at}.note`),
  };
}

function dynamicMode(v: Json | undefined, where: string): DynamicMode {
  const s = str(v, where);
  if (s !== 'read-only' && s !== 'per-broker' && s !== 'cluster-wide') {
    fail(where, `unknown dynamic mode ${s}`);
  }
  return s;
}

function brokerSpec(v: Json, i: number): BrokerConfigSpec {
  const o = obj(v, `broker[${i}]`);
  const at = `broker ${str(o.name, `broker[${i}].name`)}`;
  let v39Default: string | null | undefined;
  if (o.v39 !== undefined) v39Default = strOrNull(obj(o.v39, `${at}.v39`).default, `${at}.v39`);
  return {
    name: str(o.name, at),
    type: typeName(o.type, `${at}.type`),
    default: strOrNull(o.default, `${at}.default`),
    valid: valid(o.valid, `${at}.valid`),
    dynamic: dynamicMode(o.dynamic, `${at}.dynamic`),
    readOnly: bool(o.readOnly, `${at}.readOnly`),
    sensitive: bool(o.sensitive, `${at}.sensitive`),
    definedIn: str(o.definedIn, `${at}.definedIn`),
    topicConfig: o.topicConfig === undefined ? null : str(o.topicConfig, `${at}.topicConfig`),
    unit: o.unit === undefined ? null : unit(o.unit, `${at}.unit`),
    listenerPrefixOnly:
      o.listenerPrefixOnly === undefined ? false : bool(o.listenerPrefixOnly, `${at}.lpo`),
    deprecated: o.deprecated === undefined ? false : bool(o.deprecated, `${at}.deprecated`),
    describe: o.describe === undefined ? null : str(o.describe, `${at}.describe`),
    v39Default,
    note: str(o.note, `${at}.note`),
  };
}

function idNames(v: Json | undefined, where: string): IdName[] {
  return arr(v, where).map((e, i) => {
    const o = obj(e, `${where}[${i}]`);
    return { id: num(o.id, `${where}[${i}].id`), name: str(o.name, `${where}[${i}].name`) };
  });
}

export function loadConfigSpecs(path: string): ConfigsSpec {
  if (!existsSync(path)) {
    throw new Error(`Config specs not found at ${path}; set SAMSA_CONFIG_SPECS to configs.json`);
  }
  const root = obj(JSON.parse(readFileSync(path, 'utf8')) as Json, 'top level');
  const meta = obj(root.meta, 'meta');
  return {
    source: str(meta.source, 'meta.source'),
    topic: arr(root.topic, 'topic').map(topicSpec),
    broker: arr(root.broker, 'broker').map(brokerSpec),
    configSources: idNames(root.configSources, 'configSources'),
    configTypes: idNames(root.configTypes, 'configTypes'),
    resourceTypes: idNames(root.resourceTypes, 'resourceTypes'),
    alterConfigOps: idNames(root.alterConfigOps, 'alterConfigOps'),
  };
}
