// Java's text rules that Kafka's config parsing inherits: String.trim, Integer/Long.parseLong,
// Double.parseDouble and Double.toString, String.split and List.toString. Kafka's error messages
// and DescribeConfigs values are made with these, so Samsa reproduces them rather than using
// JavaScript's (which differ: JS trim strips Unicode spaces, Number('') is 0, String(1.0) is "1").

/** Java's String.trim(): strips every char at or below U+0020 from both ends, and nothing else. */
export function javaTrim(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && s.charCodeAt(start) <= 0x20) start++;
  while (end > start && s.charCodeAt(end - 1) <= 0x20) end--;
  return s.slice(start, end);
}

const INTEGER = /^[+-]?[0-9]+$/;

/**
 * Java's Short/Integer/Long.parseX for `bits` = 16/32/64: an optional sign and decimal digits, in
 * range; null where Java throws NumberFormatException.
 */
export function parseJavaInteger(text: string, bits: 16 | 32 | 64): bigint | null {
  if (!INTEGER.test(text)) return null;
  const value = BigInt(text);
  const limit = 1n << BigInt(bits - 1);
  return value < -limit || value >= limit ? null : value;
}

/** Long.MAX_VALUE, Kafka's "never" sentinel. */
export const JAVA_LONG_MAX = (1n << 63n) - 1n;

/**
 * A Java long as a JavaScript number: exact within ±Number.MAX_SAFE_INTEGER, ±Infinity beyond.
 * Beyond 2^53 only Kafka's sentinels occur in practice (Long.MAX_VALUE = "never"/"unlimited"), and
 * Infinity keeps their meaning in comparisons, where MAX_SAFE_INTEGER would be a real, reachable
 * number. Note: never pass Infinity to setTimeout (Node treats it as 1 ms).
 */
export function longToNumber(value: bigint): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) return Infinity;
  if (value < BigInt(Number.MIN_SAFE_INTEGER)) return -Infinity;
  return Number(value);
}

// Java's decimal floating literal, as Double.parseDouble accepts it after trimming: sign, NaN,
// Infinity, digits with an optional point and exponent, and an optional f/F/d/D type suffix.
// Hexadecimal floats (0x1p3) are the one Java form not accepted here.
const DOUBLE = /^[+-]?(?:NaN|Infinity|(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?[fFdD]?)$/;

/** Java's Double.parseDouble on an already trimmed string; null where Java throws. */
export function parseJavaDouble(text: string): number | null {
  if (!DOUBLE.test(text)) return null;
  const core = text.replace(/[fFdD]$/, '');
  if (core.endsWith('NaN')) return NaN;
  return Number(core);
}

/** Java's Double.toString: "1.0", "0.5", "1.0E7", "1.7976931348623157E308", "NaN", "-0.0". */
export function javaDoubleToString(d: number): string {
  if (Number.isNaN(d)) return 'NaN';
  if (d === Infinity) return 'Infinity';
  if (d === -Infinity) return '-Infinity';
  if (d === 0) return Object.is(d, -0) ? '-0.0' : '0.0';
  const abs = Math.abs(d);
  if (abs >= 1e-3 && abs < 1e7) {
    const s = String(d);
    return s.includes('.') ? s : `${s}.0`;
  }
  const [mantissa = '', exponent = ''] = d.toExponential().split('e');
  const m = mantissa.includes('.') ? mantissa : `${mantissa}.0`;
  return `${m}E${exponent.replace('+', '')}`;
}

/** Java's String.split(sep) with limit 0: trailing empty strings dropped; "" splits to [""]. */
export function javaSplit(s: string, sep: string): string[] {
  if (s === '') return [''];
  const parts = s.split(sep);
  while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  return parts;
}

/** Java's AbstractCollection.toString: "[a, b]". */
export function javaListToString(items: readonly string[]): string {
  return `[${items.join(', ')}]`;
}

// Java's \s: space, tab, newline, vertical tab, form feed, carriage return (no Unicode spaces).
const COMMA_WITH_WHITESPACE = /[ \t\n\x0B\f\r]*,[ \t\n\x0B\f\r]*/;

/** Kafka's LIST parsing of a trimmed value: "" is the empty list, otherwise split on commas with optional spaces, keeping empty items. */
export function splitKafkaList(trimmed: string): string[] {
  return trimmed === '' ? [] : trimmed.split(COMMA_WITH_WHITESPACE);
}
