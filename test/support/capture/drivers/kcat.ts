// kcat (librdkafka) as child processes: one producer run per codec (-P -z <codec>, keys via -K:,
// headers via -H), one consumer run per codec reading the records back from partition 0 without a
// group (-C -p 0 -o beginning -e -c 3: ListOffsets, Fetch), and a metadata listing (-L).
import { CaptureServer } from '../capture-server.js';
import type { ClientCapture, ClientRun } from '../client-capture.js';
import { runChild } from '../client-capture.js';
import { KCAT } from '../scenarios.js';

const TIMEOUT_MS = 15_000;

function quote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** "kcat - Apache Kafka producer…\n…Version 1.7.1 (…, librdkafka 2.0.2 builtin.features=…)" */
export async function kcatVersion(): Promise<string> {
  const { stdout } = await runChild('kcat', ['-V'], { timeoutMs: 5000 });
  const kcat = /Version (\S+)/.exec(stdout)?.[1];
  const librdkafka = /librdkafka (\S+)/.exec(stdout)?.[1];
  if (kcat === undefined) throw new Error(`Cannot read kcat's version from: ${stdout}`);
  return `${kcat} (librdkafka ${librdkafka ?? 'unknown'})`;
}

async function kcat(
  server: CaptureServer,
  run: string,
  args: string[],
  input?: string,
): Promise<{ how: string; stdout: string }> {
  server.setRun(run);
  const all = ['-b', server.address, '-X', `client.id=${KCAT.clientId}`, ...args];
  const { stdout } = await runChild('kcat', all, {
    timeoutMs: TIMEOUT_MS,
    ...(input === undefined ? {} : { input }),
  });
  const how = ['kcat', '-b', '127.0.0.1:<port>', ...all.slice(2)].map(quote).join(' ');
  return { how: input === undefined ? how : `${how} <<< ${JSON.stringify(input)}`, stdout };
}

export async function captureKcat(): Promise<ClientCapture> {
  const version = await kcatVersion();
  const server = await CaptureServer.start();
  const runs: ClientRun[] = [];
  try {
    for (const t of KCAT.topics) {
      const headers = t.records[0]?.headers ?? [];
      const lines = t.records.map((r) => `${r.key}:${r.value}\n`).join('');
      const produced = await kcat(
        server,
        `produce-${t.compression}`,
        [
          '-P',
          '-t',
          t.topic,
          '-z',
          t.compression,
          '-K',
          ':',
          ...headers.flatMap(([k, v]) => ['-H', `${k}=${v}`]),
        ],
        lines,
      );
      runs.push({
        name: `produce-${t.compression}`,
        how: produced.how,
        verified: 'kcat exited 0 (every message delivered)',
      });
    }
    for (const t of KCAT.topics) {
      const consumed = await kcat(server, `consume-${t.compression}`, [
        '-C',
        '-t',
        t.topic,
        '-p',
        '0',
        '-o',
        'beginning',
        '-e',
        '-c',
        String(t.records.length),
        '-f',
        '%k:%s|%h\\n',
      ]);
      const want = t.records
        .map((r) => `${r.key}:${r.value}|${r.headers.map(([k, v]) => `${k}=${v}`).join(',')}\n`)
        .join('');
      if (consumed.stdout !== want) {
        throw new Error(
          `kcat consumed ${JSON.stringify(consumed.stdout)} from ${t.topic}, expected ${JSON.stringify(want)}`,
        );
      }
      runs.push({
        name: `consume-${t.compression}`,
        how: consumed.how,
        verified: 'kcat printed exactly the produced keys, values and headers',
      });
    }
    const listed = await kcat(server, 'metadata', ['-L']);
    for (const t of KCAT.topics) {
      if (!listed.stdout.includes(`topic "${t.topic}"`))
        throw new Error(`kcat -L did not list ${t.topic}:\n${listed.stdout}`);
    }
    runs.push({
      name: 'metadata',
      how: listed.how,
      verified: `kcat -L listed the ${KCAT.topics.length} topics`,
    });
  } finally {
    await server.close();
  }
  return {
    scenario: KCAT,
    client: 'kcat',
    clientVersion: version,
    driver: 'child processes (test/support/capture/drivers/kcat.ts)',
    runs,
    advertised: server.advertised,
    frames: server.frames,
    problems: server.problems,
  };
}
