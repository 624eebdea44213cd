// Java's Properties.load syntax, which Kafka's server.properties uses: `key=value`, `key: value` or
// `key value`; `#` and `!` comment lines; a backslash at the end of a line continues it (the next
// line's leading whitespace dropped); escapes \t \n \r \f \uXXXX, and backslash before any other
// character stands for that character. Leading whitespace of a value is dropped, trailing kept.
// Pure: the text comes in, entries with their line numbers come out.
import { BrokerConfigError } from './config-error.js';

export interface PropertyEntry {
  readonly key: string;
  readonly value: string;
  /** The 1-based line the entry starts on. */
  readonly line: number;
}

const isBlank = (c: string): boolean => c === ' ' || c === '\t' || c === '\f';

function skipBlanks(s: string, from: number): number {
  let i = from;
  while (i < s.length && isBlank(s.charAt(i))) i++;
  return i;
}

/** Trailing backslashes: an odd count continues the line. */
function trailingBackslashes(s: string): number {
  let n = 0;
  while (n < s.length && s.charAt(s.length - 1 - n) === '\\') n++;
  return n;
}

const ESCAPES: Readonly<Record<string, string>> = { t: '\t', r: '\r', n: '\n', f: '\f' };

/** Java's Properties.loadConvert: resolves escapes. */
function unescape(s: string, source: string, line: number): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charAt(i);
    if (c !== '\\') {
      out += c;
      continue;
    }
    const next = s.charAt(++i);
    if (next === 'u') {
      const hex = s.slice(i + 1, i + 5);
      if (!/^[0-9a-fA-F]{4}$/.test(hex)) {
        throw new BrokerConfigError('SAMSA_ERR_CONFIG_SYNTAX', 'Malformed \\uxxxx encoding', {
          origin: { kind: 'file', file: source, line },
        });
      }
      out += String.fromCharCode(parseInt(hex, 16));
      i += 4;
    } else {
      out += ESCAPES[next] ?? next;
    }
  }
  return out;
}

/** Splits a logical line into its raw key and value, as Properties.load does. */
function splitKeyValue(text: string): [string, string] {
  let keyEnd = 0;
  let valueStart = text.length;
  let hasSeparator = false;
  let escaped = false;
  for (; keyEnd < text.length; keyEnd++) {
    const c = text.charAt(keyEnd);
    if (!escaped && (c === '=' || c === ':')) {
      valueStart = keyEnd + 1;
      hasSeparator = true;
      break;
    }
    if (!escaped && isBlank(c)) {
      valueStart = keyEnd + 1;
      break;
    }
    escaped = c === '\\' ? !escaped : false;
  }
  // After the key: blanks, at most one = or : (if the key did not end at one), more blanks.
  while (valueStart < text.length) {
    const c = text.charAt(valueStart);
    if (!isBlank(c)) {
      if (hasSeparator || (c !== '=' && c !== ':')) break;
      hasSeparator = true;
    }
    valueStart++;
  }
  return [text.slice(0, keyEnd), text.slice(valueStart)];
}

/** Parses properties text; `source` names it in errors. Later duplicates are kept (last wins when applied). */
export function parseProperties(text: string, source: string): PropertyEntry[] {
  const lines = text.split(/\r\n|\r|\n/);
  const entries: PropertyEntry[] = [];
  for (let i = 0; i < lines.length; i++) {
    const first = lines[i] ?? '';
    const start = skipBlanks(first, 0);
    const lead = first.charAt(start);
    if (start === first.length || lead === '#' || lead === '!') continue;
    const lineNumber = i + 1;
    let logical = first.slice(start);
    // An odd number of trailing backslashes joins the next line, minus its leading blanks.
    while (trailingBackslashes(logical) % 2 === 1) {
      logical = logical.slice(0, -1);
      if (i + 1 >= lines.length) break;
      const next = lines[++i] ?? '';
      logical += next.slice(skipBlanks(next, 0));
    }
    const [key, value] = splitKeyValue(logical);
    entries.push({
      key: unescape(key, source, lineNumber),
      value: unescape(value, source, lineNumber),
      line: lineNumber,
    });
  }
  return entries;
}
