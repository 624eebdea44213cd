// Kafka's --topic matching (tools' TopicFilter.IncludeList): the value is a regular expression
// that must match the whole name; commas mean "or", spaces and surrounding quotes are dropped.
// Internal topics are left out with --exclude-internal.
import { UsageError } from '../args.js';
import type { MetadataResponse } from '../../protocol/generated/api/metadata.js';

const INTERNAL_TOPICS = new Set([
  '__consumer_offsets',
  '__transaction_state',
  '__share_group_state',
]);

export function isInternalTopic(name: string, flagged = false): boolean {
  return flagged || INTERNAL_TOPICS.has(name);
}

export function topicPattern(raw: string): RegExp {
  const regex = raw
    .trim()
    .replaceAll(',', '|')
    .replaceAll(' ', '')
    .replace(/^["']+/, '')
    .replace(/["']+$/, '');
  try {
    return new RegExp(`^(?:${regex})$`, 'u');
  } catch {
    throw new UsageError(`${regex} is an invalid regex.`);
  }
}

/** Topic names from a Metadata response, sorted, filtered by --topic and --exclude-internal. */
export function matchTopics(
  metadata: MetadataResponse,
  pattern: string | undefined,
  excludeInternal: boolean,
): string[] {
  const re = pattern === undefined ? null : topicPattern(pattern);
  return metadata.topics
    .filter((t) => t.errorCode === 0 && t.name !== null)
    .filter((t) => !(excludeInternal && isInternalTopic(t.name!, t.isInternal)))
    .map((t) => t.name!)
    .filter((name) => re === null || re.test(name))
    .sort();
}
