// The raw limit: the least a server can do with the load generator's traffic on this machine.
// It reads size-prefixed frames from loopback sockets. A Produce frame is appended whole to one
// file with a positioned writeSync (no fsync, the broker's default policy too) and answered with
// a fixed Produce v9 response (only the correlation id patched); the answers to the frames of one
// read leave in one socket write. A Fetch frame gets the next whole frames of the file, up to the
// 1 MiB partition budget, read with one positioned read per request from a per-connection
// cursor, behind a 5-byte response header. No parsing, no validation, no offsets, no index:
// whatever the broker does beyond this is its overhead.
import { closeSync, openSync, read, writeSync } from 'node:fs';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { Apis, Messages } from '../src/protocol/generated/index.js';
import { Writer } from '../src/protocol/primitives/index.js';

const PRODUCE_KEY = 0;
const FETCH_KEY = 1;
const READ_BUDGET = 1024 * 1024;

export interface RawServer {
  readonly port: number;
  /** Bytes appended to the file so far. */
  readonly fileBytes: number;
  close(): Promise<void>;
}

/** A Produce v9 response for one partition with no error, behind its size prefix. */
function produceResponseTemplate(): Buffer {
  const w = new Writer(128);
  const size = w.reserveInt32();
  Messages.ResponseHeader.encode(w, 1, { correlationId: 0 });
  Apis.Produce.response.encode(w, 9, {
    ...Apis.Produce.response.create(),
    responses: [
      {
        name: 'raw',
        partitionResponses: [
          {
            index: 0,
            errorCode: 0,
            baseOffset: 0n,
            logAppendTimeMs: -1n,
            logStartOffset: 0n,
            recordErrors: [],
            errorMessage: null,
            currentLeader: { leaderId: -1, leaderEpoch: -1 },
          },
        ],
      },
    ],
  });
  w.patchInt32(size, w.length - 4);
  return w.toBuffer();
}

function readAt(fd: number, position: number, length: number): Promise<Buffer> {
  const buf = Buffer.allocUnsafe(length);
  return new Promise((resolve, reject) => {
    read(fd, buf, 0, length, position, (err, n) =>
      err ? reject(err) : resolve(buf.subarray(0, n)),
    );
  });
}

/** The longest prefix of `buf` made of whole size-prefixed frames (at least one, if any fits). */
function wholeFrames(buf: Buffer): number {
  let at = 0;
  while (at + 4 <= buf.length) {
    const next = at + 4 + buf.readInt32BE(at);
    if (next > buf.length) break;
    at = next;
  }
  return at;
}

export async function startRawServer(file: string): Promise<RawServer> {
  const fd = openSync(file, 'wx+');
  const template = produceResponseTemplate();
  let fileBytes = 0;
  const sockets = new Set<Socket>();

  const serveFetch = async (socket: Socket, correlationId: number, cursor: number) => {
    const want = Math.min(READ_BUDGET, fileBytes - cursor);
    const data = want > 0 ? await readAt(fd, cursor, want) : Buffer.alloc(0);
    const take = wholeFrames(data);
    const header = Buffer.allocUnsafe(9);
    header.writeInt32BE(5 + take, 0);
    header.writeInt32BE(correlationId, 4);
    header.writeUInt8(0, 8);
    socket.cork();
    socket.write(header);
    if (take > 0) socket.write(data.subarray(0, take));
    socket.uncork();
    return cursor + take;
  };

  const accept = (socket: Socket): void => {
    sockets.add(socket);
    socket.setNoDelay(true);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    let pending: Buffer | null = null;
    let cursor = 0;
    let fetches = Promise.resolve();
    socket.on('data', (chunk: Buffer) => {
      const buf: Buffer = pending === null ? chunk : Buffer.concat([pending, chunk]);
      pending = null;
      const answers: Buffer[] = [];
      let at = 0;
      while (buf.length - at >= 4) {
        const size = buf.readInt32BE(at);
        if (buf.length - at - 4 < size) break;
        const apiKey = buf.readInt16BE(at + 4);
        const correlationId = buf.readInt32BE(at + 8);
        if (apiKey === PRODUCE_KEY) {
          fileBytes += writeSync(fd, buf, at, 4 + size, fileBytes);
          const answer = Buffer.from(template);
          answer.writeInt32BE(correlationId, 4);
          answers.push(answer);
        } else if (apiKey === FETCH_KEY) {
          fetches = fetches
            .then(async () => {
              cursor = await serveFetch(socket, correlationId, cursor);
            })
            .catch((err: unknown) => {
              socket.destroy(err as Error);
            });
        } else {
          socket.destroy(
            new Error(`The raw server serves Produce and Fetch only, not key ${apiKey}`),
          );
          return;
        }
        at += 4 + size;
      }
      if (at < buf.length) pending = buf.subarray(at);
      if (answers.length === 1) socket.write(answers[0]!);
      else if (answers.length > 1) socket.write(Buffer.concat(answers));
    });
  };

  const server = createServer(accept);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port: 0 }, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    get fileBytes() {
      return fileBytes;
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      closeSync(fd);
    },
  };
}
