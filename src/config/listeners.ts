// Kafka's listener syntax: `listeners` / `advertised.listeners` are comma lists of
// NAME://host:port, each NAME mapped to a security protocol by `listener.security.protocol.map`
// (NAME:PROTOCOL,...). Rules follow Kafka's SocketServerConfigs.listenerListToEndPoints and
// KafkaConfig's advertised-listener checks.
import { InvalidConfigValueError } from './parse-value.js';

export const SECURITY_PROTOCOLS = ['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL'] as const;
export type SecurityProtocol = (typeof SECURITY_PROTOCOLS)[number];

export interface Endpoint {
  /** Upper-case, as Kafka normalises listener names. */
  readonly listenerName: string;
  readonly securityProtocol: SecurityProtocol;
  /**
   * '' = no host given: bind every interface; when advertised, Kafka substitutes the machine's
   * canonical host name (the caller does that; this layer does no I/O). IPv6 hosts lose their [].
   */
  readonly host: string;
  /** 0 = any free port. */
  readonly port: number;
}

// Kafka's Csv.parseCsvList: split on commas with optional spaces, drop empty items.
function csvList(value: string): string[] {
  return value === '' ? [] : value.split(/\s*,\s*/).filter((s) => s !== '');
}

function isSecurityProtocol(s: string): s is SecurityProtocol {
  return (SECURITY_PROTOCOLS as readonly string[]).includes(s);
}

/** Parses listener.security.protocol.map into listener name → protocol. */
export function parseSecurityProtocolMap(value: string): Map<string, SecurityProtocol> {
  const name = 'listener.security.protocol.map';
  const map = new Map<string, SecurityProtocol>();
  for (const entry of csvList(value.trim())) {
    const colon = entry.lastIndexOf(':');
    if (colon < 0) {
      throw new InvalidConfigValueError(
        name,
        value,
        `Entry "${entry}" is not of the form NAME:PROTOCOL`,
      );
    }
    const protocol = entry
      .slice(colon + 1)
      .trim()
      .toUpperCase();
    if (!isSecurityProtocol(protocol)) {
      throw new InvalidConfigValueError(
        name,
        value,
        `Invalid security protocol \`${entry.slice(colon + 1).trim()}\` defined in ${name}`,
      );
    }
    map.set(entry.slice(0, colon).trim().toUpperCase(), protocol);
  }
  return map;
}

// Kafka's URI_PARSE_REGEXP, matched against the whole entry.
const ENDPOINT = /^(.*):\/\/\[?([0-9a-zA-Z\-%._:]*)\]?:(-?[0-9]+)$/;

/**
 * Parses a listener list (`name` is the config it came from, for messages). Listener names must be
 * distinct, and with `requireDistinctPorts` (listeners, not advertised.listeners) so must non-zero ports.
 */
export function parseEndpoints(
  name: string,
  value: string,
  protocols: ReadonlyMap<string, SecurityProtocol>,
  requireDistinctPorts: boolean,
): Endpoint[] {
  const endpoints: Endpoint[] = [];
  for (const entry of csvList(value.trim())) {
    const m = ENDPOINT.exec(entry);
    if (!m) {
      throw new InvalidConfigValueError(
        name,
        value,
        `Unable to parse ${entry} to a broker endpoint`,
      );
    }
    const listenerName = (m[1] ?? '').toUpperCase();
    const port = Number(m[3]);
    // Kafka leaves out-of-range ports to the bind; Samsa says so at start-up instead.
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      throw new InvalidConfigValueError(name, value, `Port ${m[3]} of ${entry} is not in 0-65535`);
    }
    const securityProtocol = protocols.get(listenerName);
    if (securityProtocol === undefined) {
      throw new InvalidConfigValueError(
        name,
        value,
        `No security protocol defined for listener ${listenerName}`,
      );
    }
    endpoints.push({ listenerName, securityProtocol, host: m[2] ?? '', port });
  }
  const names = endpoints.map((e) => e.listenerName);
  if (new Set(names).size !== names.length) {
    throw new InvalidConfigValueError(
      name,
      value,
      `Each listener must have a different name, listeners: ${value}`,
    );
  }
  const ports = endpoints.map((e) => e.port).filter((p) => p !== 0);
  if (requireDistinctPorts && new Set(ports).size !== ports.length) {
    throw new InvalidConfigValueError(
      name,
      value,
      `Each listener must have a different port, listeners: ${value}`,
    );
  }
  return endpoints;
}

/**
 * Kafka's checks on the advertised endpoints against the bound ones. `advertisedText` is
 * advertised.listeners, or null when unset (listeners are advertised, and blamed).
 */
export function checkAdvertisedEndpoints(
  advertised: readonly Endpoint[],
  listeners: readonly Endpoint[],
  advertisedText: string | null,
  listenersText: string,
): void {
  const name = 'advertised.listeners';
  if (advertised.some((e) => e.host === '0.0.0.0')) {
    throw advertisedText === null
      ? new InvalidConfigValueError(
          'listeners',
          listenersText,
          `${name} is unset, so listeners are advertised, and they cannot use the nonroutable ` +
            `meta-address 0.0.0.0. Set ${name} to a routable address.`,
        )
      : new InvalidConfigValueError(
          name,
          advertisedText,
          `${name} cannot use the nonroutable meta-address 0.0.0.0. Use a routable IP address.`,
        );
  }
  const bound = new Set(listeners.map((e) => e.listenerName));
  const extra = advertised.filter((e) => !bound.has(e.listenerName)).map((e) => e.listenerName);
  if (extra.length > 0) {
    throw new InvalidConfigValueError(
      name,
      advertisedText ?? listenersText,
      `${name} listener names must be equal to or a subset of the ones defined in listeners. ` +
        `Found ${extra.join(',')}. The valid options based on currently configured listeners ` +
        `are ${[...bound].join(',')}`,
    );
  }
}
