// How a failure reads on the command line: one line, the Kafka error name added when the broker
// sent one, so it can be looked up.
import { KafkaError } from '../errors/kafka-error.js';

export function explain(err: unknown): string {
  if (err instanceof KafkaError) {
    const message = err.message.replace(/\s+$/, '');
    return message.includes(err.errorName) ? message : `${message} (${err.errorName})`;
  }
  if (err instanceof Error) return err.message.split('\n')[0] ?? err.message;
  return String(err);
}

/**
 * The Java exception Kafka's Admin client raises for an error code, as its tools print it:
 * OFFSET_OUT_OF_RANGE → org.apache.kafka.common.errors.OffsetOutOfRangeException.
 */
export function javaException(err: KafkaError): string {
  const words = err.errorName
    .replace(/_ERROR$/, '')
    .toLowerCase()
    .split('_');
  const simple = words.map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('');
  return `org.apache.kafka.common.errors.${simple}Exception: ${err.message}`;
}
