// Accepts client connections on the configured listeners and owns them until shutdown.
// Shutdown is graceful: stop accepting, let every connection finish and write the requests it
// already has, then close; connections still busy after the grace period are destroyed.
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import type { Logger } from 'pino';
import { Connection, type ConnectionOptions } from './connection.js';
import type { RequestDispatcher } from './request-dispatcher.js';

export interface ListenAddress {
  /** The listener name, e.g. PLAINTEXT. */
  name: string;
  host: string;
  port: number;
}

export interface BoundListener extends ListenAddress {
  /** The port actually bound (differs from port when port is 0). */
  boundPort: number;
}

export class SocketServer<Services> {
  readonly #dispatcher: RequestDispatcher<Services>;
  readonly #options: ConnectionOptions;
  readonly #log: Logger;
  readonly #servers: Server[] = [];
  readonly #connections = new Set<Connection<Services>>();

  constructor(dispatcher: RequestDispatcher<Services>, options: ConnectionOptions, log: Logger) {
    this.#dispatcher = dispatcher;
    this.#options = options;
    this.#log = log;
  }

  get connectionCount(): number {
    return this.#connections.size;
  }

  async listen(addresses: readonly ListenAddress[]): Promise<BoundListener[]> {
    const bound: BoundListener[] = [];
    for (const address of addresses) {
      const server = createServer((socket) => this.#accept(socket));
      this.#servers.push(server);
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen({ host: address.host || undefined, port: address.port }, () => {
          server.off('error', reject);
          resolve();
        });
      });
      bound.push({ ...address, boundPort: (server.address() as AddressInfo).port });
    }
    return bound;
  }

  #accept(socket: Socket): void {
    const connection = new Connection(socket, this.#dispatcher, this.#options, this.#log);
    this.#connections.add(connection);
    void connection.closed.then(() => this.#connections.delete(connection));
  }

  /** Stops accepting, drains connections, and destroys what is left after graceMs. */
  async close(graceMs: number): Promise<void> {
    const stopped = Promise.all(
      this.#servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))),
    );
    const connections = [...this.#connections];
    for (const c of connections) c.drain();
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), graceMs);
    });
    const outcome = await Promise.race([Promise.all(connections.map((c) => c.closed)), grace]);
    clearTimeout(timer);
    if (outcome === 'timeout') {
      this.#log.warn(
        { open: this.#connections.size },
        'destroying connections still open after the grace period',
      );
      for (const c of this.#connections) c.destroy();
    }
    await stopped;
  }
}
