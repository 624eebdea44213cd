// One client connection: frames in, responses out in request order.
//
// Requests are handled concurrently (a metadata call need not wait behind a long-poll fetch), but
// responses leave strictly in the order the requests arrived: each request takes a slot in a queue
// and the queue is flushed from the front. Backpressure: reading pauses while too many requests
// are in flight or while the socket's write buffer is full, and resumes when they drain.
// A request that cannot be parsed closes the connection after the responses before it are sent.
import type { Socket } from 'node:net';
import type { Logger } from 'pino';
import { FrameDecoder } from './frame-decoder.js';
import type { RequestDispatcher, ResponseFrame } from './request-dispatcher.js';
import { ANONYMOUS_PRINCIPAL } from '../metadata/acl-binding.js';
import type { Session } from '../security/authorizer.js';

/** The client's IP address as ACL hosts name it: IPv4 clients of a dual-stack socket without the ::ffff: prefix. */
function clientHost(remoteAddress: string | undefined): string {
  if (remoteAddress === undefined) return '';
  return remoteAddress.startsWith('::ffff:') && remoteAddress.includes('.')
    ? remoteAddress.slice(7)
    : remoteAddress;
}

export interface ConnectionOptions {
  maxFrameBytes: number;
  maxInFlightRequests: number;
}

interface Slot {
  done: boolean;
  frame: ResponseFrame;
  /** Close the connection once everything before this slot is written. */
  close: boolean;
}

export class Connection<Services> {
  readonly #socket: Socket;
  readonly #dispatcher: RequestDispatcher<Services>;
  readonly #options: ConnectionOptions;
  readonly #log: Logger;
  readonly #decoder: FrameDecoder;
  readonly #abort = new AbortController();
  readonly #queue: Slot[] = [];
  readonly #clientAddress: string;
  /** Who the requests come from: every PLAINTEXT connection is User:ANONYMOUS. */
  readonly #session: Session;
  #inFlight = 0;
  #writeBlocked = false;
  #closing = false;
  #flushScheduled = false;
  readonly closed: Promise<void>;

  constructor(
    socket: Socket,
    dispatcher: RequestDispatcher<Services>,
    options: ConnectionOptions,
    log: Logger,
  ) {
    this.#socket = socket;
    this.#dispatcher = dispatcher;
    this.#options = options;
    this.#clientAddress = `${socket.remoteAddress}:${socket.remotePort}`;
    this.#session = { principal: ANONYMOUS_PRINCIPAL, host: clientHost(socket.remoteAddress) };
    this.#log = log.child({ client: this.#clientAddress });
    this.#decoder = new FrameDecoder(options.maxFrameBytes);
    socket.setNoDelay(true);
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
    socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    socket.on('drain', () => {
      this.#writeBlocked = false;
      this.#updateReading();
    });
    socket.on('error', (err) => this.#log.debug({ err }, 'connection error'));
    socket.once('close', () => this.#abort.abort());
  }

  /** Requests received and not yet answered. */
  get inFlight(): number {
    return this.#inFlight;
  }

  /** Stops reading new requests; the connection closes once in-flight responses are written. */
  drain(): void {
    this.#closing = true;
    this.#socket.pause();
    this.#queue.push({ done: true, frame: null, close: true });
    this.#flush();
  }

  destroy(): void {
    this.#socket.destroy();
  }

  #onData(chunk: Buffer): void {
    if (this.#closing) return;
    let frames: Buffer[];
    try {
      frames = this.#decoder.push(chunk);
    } catch (err) {
      this.#log.warn({ err }, 'closing connection: invalid frame');
      this.#refuse();
      return;
    }
    for (const frame of frames) {
      if (this.#closing) break;
      this.#handle(frame);
    }
    this.#updateReading();
  }

  #handle(frame: Buffer): void {
    const slot: Slot = { done: false, frame: null, close: false };
    this.#queue.push(slot);
    this.#inFlight++;
    this.#dispatcher
      .dispatch(frame, {
        clientAddress: this.#clientAddress,
        session: this.#session,
        signal: this.#abort.signal,
      })
      .then(
        (response) => {
          slot.frame = response;
        },
        (err: unknown) => {
          const code = (err as { code?: string }).code;
          if (code === 'SAMSA_ERR_INVALID_REQUEST')
            this.#log.warn({ err }, 'closing connection: invalid request');
          else this.#log.error({ err }, 'closing connection: request failed unexpectedly');
          slot.close = true;
          this.#closing = true;
        },
      )
      .finally(() => {
        slot.done = true;
        this.#inFlight--;
        this.#scheduleFlush();
        this.#updateReading();
      });
  }

  #refuse(): void {
    this.#closing = true;
    this.#queue.push({ done: true, frame: null, close: true });
    this.#flush();
  }

  /**
   * Responses that complete in the same turn of the event loop leave in one write: the flush runs
   * once the current promise callbacks have drained, not once per response.
   */
  #scheduleFlush(): void {
    if (this.#flushScheduled) return;
    this.#flushScheduled = true;
    process.nextTick(() => {
      this.#flushScheduled = false;
      this.#flush();
    });
  }

  #flush(): void {
    this.#socket.cork();
    try {
      while (this.#queue.length > 0 && this.#queue[0]!.done) {
        const slot = this.#queue.shift()!;
        if (slot.close) {
          this.#queue.length = 0;
          this.#socket.end();
          return;
        }
        if (slot.frame === null || this.#socket.destroyed) continue;
        let ok = true;
        for (const chunk of slot.frame) ok = this.#socket.write(chunk);
        if (!ok) this.#writeBlocked = true;
      }
    } finally {
      this.#socket.uncork();
    }
  }

  #updateReading(): void {
    if (this.#closing) return;
    const pause = this.#writeBlocked || this.#inFlight >= this.#options.maxInFlightRequests;
    if (pause && !this.#socket.isPaused()) this.#socket.pause();
    else if (!pause && this.#socket.isPaused()) this.#socket.resume();
  }
}
