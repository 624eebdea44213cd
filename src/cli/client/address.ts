// Broker addresses as Kafka's tools take them: "host:port", several joined by commas, IPv6 hosts
// in brackets ("[::1]:9092").
import { ClientError } from './errors.js';

export interface BrokerAddress {
  host: string;
  port: number;
}

/** The local broker a CLI command talks to when no --bootstrap-server is given. */
export const DEFAULT_BOOTSTRAP = '127.0.0.1:9092';

export function formatAddress(address: BrokerAddress): string {
  return address.host.includes(':')
    ? `[${address.host}]:${address.port}`
    : `${address.host}:${address.port}`;
}

export function parseAddress(text: string): BrokerAddress {
  const entry = text.trim();
  const match = /^(?:\[([^\]]+)\]|([^:\s]+)):(\d+)$/.exec(entry);
  const port = match ? Number(match[3]) : NaN;
  if (!match || port < 1 || port > 65535) {
    throw new ClientError(
      'SAMSA_ERR_BAD_BOOTSTRAP',
      `Invalid broker address "${entry}": expected host:port, for example 127.0.0.1:9092`,
    );
  }
  return { host: match[1] ?? match[2]!, port };
}

/** "h1:9092,h2:9092" → addresses, in the order given (the order they are tried). */
export function parseBootstrap(list: string): BrokerAddress[] {
  const entries = list.split(',').filter((e) => e.trim() !== '');
  if (entries.length === 0) {
    throw new ClientError('SAMSA_ERR_BAD_BOOTSTRAP', 'The bootstrap server list is empty');
  }
  return entries.map(parseAddress);
}
