// Topic regexes of KIP-848 subscriptions (ConsumerGroupHeartbeat v1 `SubscribedTopicRegex`).
//
// Kafka compiles them with RE2/J and matches whole topic names (`matcher(name).matches()`), so
// `orders` matches only `orders` and `orders.*` is needed for a prefix. We use JavaScript's
// RegExp wrapped as `^(?:…)$` for the same full-match semantics. The syntaxes agree on what
// consumers use (classes, alternation, quantifiers, anchors); RE2-only constructs such as
// `\Q…\E` or `(?P<name>…)` are rejected here as invalid. Every topic name is a candidate,
// internal topics included, as in Kafka.

import { KafkaError } from '../../errors/kafka-error.js';

const MAX_CACHED = 1024;
const compiled = new Map<string, RegExp>();

/** The compiled full-match pattern; INVALID_REGULAR_EXPRESSION when it does not compile. */
export function compileTopicRegex(regex: string): RegExp {
  let re = compiled.get(regex);
  if (re !== undefined) return re;
  try {
    // Compiled alone first, so that `a)|(b` cannot close the wrapping group and pass.
    new RegExp(regex);
    re = new RegExp(`^(?:${regex})$`);
  } catch (err) {
    throw new KafkaError(
      'INVALID_REGULAR_EXPRESSION',
      `SubscribedTopicRegex \`${regex}\` is not a valid regular expression: ${(err as Error).message}.`,
    );
  }
  if (compiled.size >= MAX_CACHED) compiled.clear();
  compiled.set(regex, re);
  return re;
}

/** The names among `topicNames` that the regex matches in full; none if it does not compile. */
export function resolveTopicRegex(regex: string, topicNames: Iterable<string>): string[] {
  let re: RegExp;
  try {
    re = compileTopicRegex(regex);
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const name of topicNames) if (re.test(name)) out.push(name);
  return out;
}
