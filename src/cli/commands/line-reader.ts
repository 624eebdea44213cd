// Kafka's LineMessageReader: one line of input → one record, configured by the console producer's
// --property / --reader-config keys:
//
//   parse.key=false            key.separator=\t     the line is "key<sep>value"
//   parse.headers=false        headers.delimiter=\t the line starts with "h1:v1,h2:v2<delim>"
//   headers.separator=,        (a regular expression, as Kafka splits with java.util.regex)
//   headers.key.separator=:    ignore.error=false   null.marker= (unset)
//
// With both: "h1:v1,h2:v2\tkey\tvalue". A key, value, header value or the whole headers part
// equal to null.marker becomes null. A missing separator is an error naming the line number,
// unless ignore.error=true (then the key, or the header value, is null).
import { UsageError } from '../args.js';
import type { RecordHeader } from '../../protocol/records/index.js';

export interface LineRecord {
  key: Buffer | null;
  value: Buffer | null;
  headers: RecordHeader[];
}

export class LineParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LineParseError';
  }
}

const isTrue = (v: string | undefined): boolean => v?.trim().toLowerCase() === 'true';

export class LineMessageReader {
  readonly parseKey: boolean;
  readonly keySeparator: string;
  readonly parseHeaders: boolean;
  readonly headersDelimiter: string;
  readonly headersSeparator: RegExp;
  readonly headersKeySeparator: string;
  readonly ignoreError: boolean;
  readonly nullMarker: string | undefined;

  constructor(props: ReadonlyMap<string, string>) {
    this.parseKey = isTrue(props.get('parse.key'));
    this.keySeparator = props.get('key.separator') ?? '\t';
    this.parseHeaders = isTrue(props.get('parse.headers'));
    this.headersDelimiter = props.get('headers.delimiter') ?? '\t';
    const headersSeparator = props.get('headers.separator') ?? ',';
    this.headersKeySeparator = props.get('headers.key.separator') ?? ':';
    this.ignoreError = isTrue(props.get('ignore.error'));
    this.nullMarker = props.get('null.marker');
    const same = (a: string, b: string | undefined, what: string): void => {
      if (a === b) throw new UsageError(`${what} may not be equal`);
    };
    same(this.headersDelimiter, headersSeparator, 'headers.delimiter and headers.separator');
    same(
      this.headersDelimiter,
      this.headersKeySeparator,
      'headers.delimiter and headers.key.separator',
    );
    same(headersSeparator, this.headersKeySeparator, 'headers.separator and headers.key.separator');
    same(this.keySeparator, this.nullMarker, 'null.marker and key.separator');
    same(headersSeparator, this.nullMarker, 'null.marker and headers.separator');
    same(this.headersDelimiter, this.nullMarker, 'null.marker and headers.delimiter');
    same(this.headersKeySeparator, this.nullMarker, 'null.marker and headers.key.separator');
    if (this.keySeparator === '') throw new UsageError('key.separator may not be empty');
    try {
      this.headersSeparator = new RegExp(headersSeparator, 'u');
    } catch {
      throw new UsageError(
        `headers.separator ${headersSeparator} is not a valid regular expression`,
      );
    }
  }

  /** The record for one line (without its line terminator); `lineNumber` counts from 1. */
  parse(line: string, lineNumber: number): LineRecord {
    let at = 0;
    const headers = this.parseHeaders
      ? this.#until(line, at, this.headersDelimiter, 'headers delimiter', lineNumber)
      : null;
    if (headers !== null) at += headers.length + this.headersDelimiter.length;
    const key = this.parseKey
      ? this.#until(line, at, this.keySeparator, 'key separator', lineNumber)
      : null;
    if (key !== null) at += key.length + this.keySeparator.length;
    const value = line.slice(at);
    return {
      key: key !== null && key !== this.nullMarker ? Buffer.from(key, 'utf8') : null,
      value: value !== this.nullMarker ? Buffer.from(value, 'utf8') : null,
      headers:
        headers !== null && headers !== this.nullMarker ? this.#headers(headers, lineNumber) : [],
    };
  }

  #until(
    line: string,
    from: number,
    separator: string,
    name: string,
    lineNumber: number,
  ): string | null {
    const index = line.indexOf(separator, from);
    if (index === -1) {
      if (this.ignoreError) return null;
      throw new LineParseError(`No ${name} found on line number ${lineNumber}: '${line}'`);
    }
    return line.slice(from, index);
  }

  #headers(text: string, lineNumber: number): RecordHeader[] {
    const pairs = text.split(this.headersSeparator);
    // Java's String.split drops trailing empty strings.
    while (pairs.length > 0 && pairs.at(-1) === '') pairs.pop();
    return pairs.map((pair) => {
      const i = pair.indexOf(this.headersKeySeparator);
      if (i === -1) {
        if (this.ignoreError) return { key: pair, value: null };
        throw new LineParseError(
          `No header key separator found in pair '${pair}' on line number ${lineNumber}`,
        );
      }
      const key = pair.slice(0, i);
      if (key === this.nullMarker) {
        throw new LineParseError(
          `Header keys should not be equal to the null marker '${this.nullMarker}' as they can't be null`,
        );
      }
      const value = pair.slice(i + this.headersKeySeparator.length);
      return { key, value: value === this.nullMarker ? null : Buffer.from(value, 'utf8') };
    });
  }
}
