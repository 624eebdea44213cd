// How samsa acls prints ACLs: kafka-acls.sh's lines, built from Kafka's toString()s
// (ResourcePattern(resourceType=TOPIC, name=orders, patternType=LITERAL) and
// (principal=User:alice, host=*, operation=READ, permissionType=ALLOW)). Piped, the blocks are
// Kafka's bytes, quirks included: the "Adding ACLs" header ends in a space and its first entry
// line starts with " \t". On a terminal the header is bold and the stray spaces go.
import {
  operationName,
  patternTypeName,
  permissionTypeName,
  resourceTypeName,
} from '../../metadata/acl-binding.js';
import type { Output } from '../output.js';
import type { AccessControlEntry, ResourceAcls, ResourcePattern } from './acls-args.js';

/** Kafka's ResourcePattern / ResourcePatternFilter toString. */
export function formatPattern(p: ResourcePattern): string {
  return `ResourcePattern(resourceType=${resourceTypeName(p.resourceType)}, name=${p.name}, patternType=${patternTypeName(p.patternType)})`;
}

/** Kafka's AccessControlEntry toString. */
export function formatEntry(e: AccessControlEntry): string {
  return `(principal=${e.principal}, host=${e.host}, operation=${operationName(e.operation)}, permissionType=${permissionTypeName(e.permissionType)})`;
}

/** Kafka's AclBinding toString, as in "Acl … already exists." */
export function formatBinding(p: ResourcePattern, e: AccessControlEntry): string {
  return `(pattern=${formatPattern(p)}, entry=${formatEntry(e)})`;
}

function entryLines(entries: readonly AccessControlEntry[]): string {
  return entries.map((e) => `\t${formatEntry(e)}`).join('\n');
}

/** "Adding ACLs for resource `…`: " and the entries, then a blank line. */
export function printAdding(out: Output, r: ResourceAcls): void {
  const header = `Adding ACLs for resource \`${formatPattern(r.pattern)}\`:`;
  if (out.tty) out.line(`${out.style('bold', header)}\n${entryLines(r.entries)}\n`);
  else out.line(`${header} \n ${entryLines(r.entries)}\n`);
}

/** "Current ACLs for resource `…`:" and the entries, then a blank line. */
export function printCurrent(out: Output, r: ResourceAcls): void {
  const header = `Current ACLs for resource \`${formatPattern(r.pattern)}\`:`;
  out.line(`${out.tty ? out.style('bold', header) : header}\n${entryLines(r.entries)}\n`);
}

/** The question --remove asks without --force (Kafka's confirmAction). */
export function removePrompt(r: ResourceAcls): string {
  const filter = `\`${formatPattern(r.pattern)}\``;
  if (r.entries.length === 0) {
    return `Are you sure you want to delete all ACLs for resource filter ${filter}? (y/n)`;
  }
  return `Are you sure you want to remove ACLs: \n ${entryLines(r.entries)}\n from resource filter ${filter}? (y/n)`;
}

function compare(a: string | number, b: string | number): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * ACLs grouped by resource pattern, each pattern and entry once: resources by type, name and
 * pattern type; entries by principal, then ALLOW before DENY, operation and host.
 */
export function groupByResource(
  bindings: readonly { pattern: ResourcePattern; entry: AccessControlEntry }[],
): ResourceAcls[] {
  const groups = new Map<string, ResourceAcls>();
  const seen = new Set<string>();
  for (const { pattern, entry } of bindings) {
    const key = JSON.stringify([pattern.resourceType, pattern.patternType, pattern.name]);
    const aclKey = JSON.stringify([
      key,
      entry.principal,
      entry.host,
      entry.operation,
      entry.permissionType,
    ]);
    if (seen.has(aclKey)) continue;
    seen.add(aclKey);
    let group = groups.get(key);
    if (group === undefined) groups.set(key, (group = { pattern, entries: [] }));
    group.entries.push(entry);
  }
  const resources = [...groups.values()].sort(
    (a, b) =>
      compare(a.pattern.resourceType, b.pattern.resourceType) ||
      compare(a.pattern.name, b.pattern.name) ||
      compare(a.pattern.patternType, b.pattern.patternType),
  );
  for (const r of resources) {
    r.entries.sort(
      (a, b) =>
        compare(a.principal, b.principal) ||
        compare(b.permissionType, a.permissionType) ||
        compare(a.operation, b.operation) ||
        compare(a.host, b.host),
    );
  }
  return resources;
}

/** --list --output json: one object per resource pattern, with names as Kafka spells them. */
export function aclsJson(resources: readonly ResourceAcls[]): unknown {
  return resources.map((r) => ({
    resourceType: resourceTypeName(r.pattern.resourceType),
    name: r.pattern.name,
    patternType: patternTypeName(r.pattern.patternType),
    acls: r.entries.map((e) => ({
      principal: e.principal,
      host: e.host,
      operation: operationName(e.operation),
      permissionType: permissionTypeName(e.permissionType),
    })),
  }));
}
