// Python confluent-kafka (Debian's, on librdkafka 2.0.2) as a child process: one Producer per
// scenario topic, the second idempotent with zstd (InitProducerId first), each flushed and checked
// for delivery reports.
import { CaptureServer } from '../capture-server.js';
import type { ClientCapture, ClientRun } from '../client-capture.js';
import { runChild } from '../client-capture.js';
import { CONFLUENT_PYTHON } from '../scenarios.js';

export const PYTHON = '/usr/bin/python3';
const TIMEOUT_MS = 20_000;

const PRODUCER_SCRIPT = `
import json, sys
from confluent_kafka import Producer
config, topic, records = json.loads(sys.argv[1]), sys.argv[2], json.loads(sys.argv[3])
producer = Producer(config)
delivered, failed = [], []
def report(err, msg):
    (failed if err else delivered).append(str(err) if err else msg.offset())
for r in records:
    producer.produce(topic, key=r['key'].encode(), value=r['value'].encode(),
                     headers=[(k, v.encode()) for k, v in r['headers']], on_delivery=report)
left = producer.flush(15)
if left or failed or len(delivered) != len(records):
    sys.exit('not delivered: left=%d failed=%s delivered=%s' % (left, failed, delivered))
print(json.dumps(delivered))
`;

const VERSION_SCRIPT = `
import confluent_kafka
print('%s (librdkafka %s)' % (confluent_kafka.version()[0], confluent_kafka.libversion()[0]))
`;

export async function pythonClientVersion(): Promise<string> {
  const { stdout } = await runChild(PYTHON, ['-c', VERSION_SCRIPT], { timeoutMs: 10_000 });
  return stdout.trim();
}

export async function captureConfluentPython(): Promise<ClientCapture> {
  const version = await pythonClientVersion();
  const server = await CaptureServer.start();
  const runs: ClientRun[] = [];
  try {
    for (const t of CONFLUENT_PYTHON.topics) {
      server.setRun(t.topic);
      const config = {
        'bootstrap.servers': server.address,
        'client.id': CONFLUENT_PYTHON.clientId,
        'compression.type': t.compression,
        'enable.idempotence': t.idempotent,
        'message.timeout.ms': 10_000,
      };
      const { stdout } = await runChild(
        PYTHON,
        ['-c', PRODUCER_SCRIPT, JSON.stringify(config), t.topic, JSON.stringify(t.records)],
        { timeoutMs: TIMEOUT_MS },
      );
      runs.push({
        name: t.topic,
        how: `confluent_kafka.Producer(${JSON.stringify({ ...config, 'bootstrap.servers': '127.0.0.1:<port>' })}); produce(topic='${t.topic}', key, value, headers) ×${t.records.length}; flush(15)`,
        verified: `every delivery report succeeded, offsets ${stdout.trim()}`,
      });
    }
  } finally {
    await server.close();
  }
  return {
    scenario: CONFLUENT_PYTHON,
    client: 'confluent-kafka (Python)',
    clientVersion: version,
    driver:
      'child processes of /usr/bin/python3 (test/support/capture/drivers/confluent-python.ts)',
    runs,
    advertised: server.advertised,
    frames: server.frames,
    problems: server.problems,
  };
}
