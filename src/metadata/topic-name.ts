// Kafka's topic name rules: 1 to 249 characters of [a-zA-Z0-9._-], and not "." or "..".
import { KafkaError } from '../errors/kafka-error.js';

export const MAX_TOPIC_NAME_LENGTH = 249;
const LEGAL = /^[a-zA-Z0-9._-]+$/;

/** Throws INVALID_TOPIC_EXCEPTION with Kafka's reason when the name is not a legal topic name. */
export function validateTopicName(name: string): void {
  const reason =
    name.length === 0
      ? "Topic name is illegal, it can't be empty"
      : name === '.' || name === '..'
        ? 'Topic name cannot be "." or ".."'
        : name.length > MAX_TOPIC_NAME_LENGTH
          ? `Topic name is illegal, it can't be longer than ${MAX_TOPIC_NAME_LENGTH} characters, topic name: ${name}`
          : !LEGAL.test(name)
            ? `Topic name "${name}" is illegal, it contains a character other than ASCII alphanumerics, '.', '_' and '-'`
            : null;
  if (reason !== null) throw new KafkaError('INVALID_TOPIC_EXCEPTION', reason);
}

/** Kafka warns that '.' and '_' collide in metric names; two such topics cannot coexist. */
export function collisionKey(name: string): string {
  return name.replace(/\./g, '_');
}
