// Kafka's DefaultMessageFormatter, the console consumer's output: for each record, the fields
// switched on, in a fixed order, each followed by key.separator (the last by line.separator):
//
//   CreateTime:<ms> | LogAppendTime:<ms>   print.timestamp
//   Partition:<p>                          print.partition
//   Offset:<o>                             print.offset
//   Delivery:NOT_PRESENT                   print.delivery (share groups only; never present here)
//   Epoch:NOT_PRESENT                      print.epoch (the console consumer never passes it)
//   k1:v1,k2:v2 | NO_HEADERS               print.headers (headers.separator between them)
//   <key>                                  print.key
//   <value>                                print.value (default true)
//
// Keys, values and header values are written as their bytes; null prints null.literal ("null").
// With every field switched off a record prints nothing at all, as in Kafka.
// Deserializer class properties (key.deserializer, …) are accepted; the bytes are printed as they
// are, which is what Kafka's default ByteArray/String deserializers print for UTF-8 data.
import type { ConsumerRecord } from '../client/index.js';

const isTrue = (v: string | undefined): boolean => v?.trim().toLowerCase() === 'true';

export class DefaultMessageFormatter {
  readonly printTimestamp: boolean;
  readonly printKey: boolean;
  readonly printValue: boolean;
  readonly printPartition: boolean;
  readonly printOffset: boolean;
  readonly printDelivery: boolean;
  readonly printEpoch: boolean;
  readonly printHeaders: boolean;
  readonly #keySeparator: Buffer;
  readonly #lineSeparator: Buffer;
  readonly #headersSeparator: Buffer;
  readonly #nullLiteral: Buffer;

  constructor(props: ReadonlyMap<string, string>) {
    const flag = (key: string, fallback: boolean): boolean =>
      props.has(key) ? isTrue(props.get(key)) : fallback;
    this.printTimestamp = flag('print.timestamp', false);
    this.printKey = flag('print.key', false);
    this.printValue = flag('print.value', true);
    this.printPartition = flag('print.partition', false);
    this.printOffset = flag('print.offset', false);
    this.printDelivery = flag('print.delivery', false);
    this.printEpoch = flag('print.epoch', false);
    this.printHeaders = flag('print.headers', false);
    const bytes = (key: string, fallback: string): Buffer =>
      Buffer.from(props.get(key) ?? fallback, 'utf8');
    this.#keySeparator = bytes('key.separator', '\t');
    this.#lineSeparator = bytes('line.separator', '\n');
    this.#headersSeparator = bytes('headers.separator', ',');
    this.#nullLiteral = bytes('null.literal', 'null');
  }

  /** The record as the formatter prints it, appended to `out`. */
  format(record: ConsumerRecord, out: Buffer[]): void {
    const fields: (Buffer | string)[] = [];
    if (this.printTimestamp) fields.push(`${record.timestampType}:${record.timestamp}`);
    if (this.printPartition) fields.push(`Partition:${record.partition}`);
    if (this.printOffset) fields.push(`Offset:${record.offset}`);
    if (this.printDelivery) fields.push('Delivery:NOT_PRESENT');
    if (this.printEpoch) fields.push('Epoch:NOT_PRESENT');
    if (this.printHeaders) {
      if (record.headers.length === 0) fields.push('NO_HEADERS');
      else {
        const parts: Buffer[] = [];
        record.headers.forEach((h, i) => {
          if (i > 0) parts.push(this.#headersSeparator);
          parts.push(Buffer.from(`${h.key}:`, 'utf8'), h.value ?? this.#nullLiteral);
        });
        fields.push(Buffer.concat(parts));
      }
    }
    if (this.printKey) fields.push(record.key ?? this.#nullLiteral);
    if (this.printValue) fields.push(record.value ?? this.#nullLiteral);
    fields.forEach((f, i) => {
      out.push(typeof f === 'string' ? Buffer.from(f, 'utf8') : f);
      out.push(i === fields.length - 1 ? this.#lineSeparator : this.#keySeparator);
    });
  }
}
