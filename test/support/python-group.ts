// A Python confluent-kafka (librdkafka 2.0.2) consumer-group member as a long-running child
// process, for tests that run several members at once, restart one, or kill one. It subscribes
// to one topic and commits synchronously after every record; it prints one JSON line per event:
//   {"type":"assigned"|"revoked","partitions":[…]}   from on_assign / on_revoke
//   {"type":"record","partition":P,"offset":O,"value":V}
//   {"type":"committed","partition":P,"offset":O}    once the commit returned
//   {"type":"error","error":NAME} {"type":"done"}
// librdkafka's cgrp debug log (stderr) gives each JoinGroup response's generation and member id,
// which the client API does not expose. "stop" on stdin closes the consumer (a static member,
// with group.instance.id, does not send LeaveGroup then) and exits 0.
import { PYTHON, PYTHON_PRELUDE } from './python-client.js';
import { BackgroundChild } from './run.js';

export const PYTHON_MEMBER_TIMEOUT_MS = 30_000;

const MEMBER_SCRIPT = `
import threading, time
def emit(event):
    print(json.dumps(event))
    sys.stdout.flush()
stop = threading.Event()
def read_commands():
    for line in sys.stdin:
        if line.strip() == 'stop':
            stop.set()
    stop.set()
threading.Thread(target=read_commands, daemon=True).start()
consumer = Consumer(dict(args['config'], **{'enable.auto.commit': False, 'debug': 'cgrp'}))
def parts(ps):
    return sorted(p.partition for p in ps)
consumer.subscribe([args['topic']],
    on_assign=lambda c, ps: emit({'type': 'assigned', 'partitions': parts(ps)}),
    on_revoke=lambda c, ps: emit({'type': 'revoked', 'partitions': parts(ps)}))
deadline = time.time() + args['lifetimeMs'] / 1000
while not stop.is_set() and time.time() < deadline:
    m = consumer.poll(0.1)
    if m is None:
        continue
    if m.error():
        emit({'type': 'error', 'error': m.error().name()})
        continue
    emit({'type': 'record', 'partition': m.partition(), 'offset': m.offset(),
          'value': None if m.value() is None else m.value().decode()})
    try:
        consumer.commit(message=m, asynchronous=False)
        emit({'type': 'committed', 'partition': m.partition(), 'offset': m.offset() + 1})
    except Exception as e:
        emit({'type': 'error', 'error': 'commit: ' + str(e)})
consumer.close()
finish({'type': 'done'})
`;

export type PythonMemberEvent =
  | { type: 'assigned' | 'revoked'; partitions: number[] }
  | { type: 'record'; partition: number; offset: number; value: string | null }
  | { type: 'committed'; partition: number; offset: number }
  | { type: 'error'; error: string }
  | { type: 'done' };

export interface PythonJoin {
  generationId: number;
  memberId: string;
  leader: boolean;
}

export class PythonGroupMember {
  readonly name: string;
  readonly #child: BackgroundChild;
  readonly #events: PythonMemberEvent[] = [];
  #parsed = 0;

  /** `config` is librdkafka's (group.id, group.instance.id, session.timeout.ms, …). */
  constructor(
    name: string,
    bootstrap: string,
    topic: string,
    config: Record<string, string | number | boolean>,
    lifetimeMs = 60_000,
  ) {
    this.name = name;
    const args = {
      topic,
      lifetimeMs,
      config: {
        'bootstrap.servers': bootstrap,
        'client.id': `python-${name}`,
        'auto.offset.reset': 'earliest',
        ...config,
      },
    };
    this.#child = new BackgroundChild(
      PYTHON,
      ['-c', PYTHON_PRELUDE + MEMBER_SCRIPT, JSON.stringify(args)],
      { timeoutMs: lifetimeMs + 10_000 },
    );
  }

  get events(): readonly PythonMemberEvent[] {
    const out = this.#child.stdout;
    const end = out.lastIndexOf(0x0a);
    if (end >= this.#parsed) {
      for (const line of out.toString('utf8', this.#parsed, end).split('\n')) {
        if (line !== '') this.#events.push(JSON.parse(line) as PythonMemberEvent);
      }
      this.#parsed = end + 1;
    }
    return this.#events;
  }

  /** on_assign / on_revoke calls, in order. */
  get rebalances(): [string, number[]][] {
    return this.events.flatMap((e) =>
      e.type === 'assigned' || e.type === 'revoked' ? [[e.type, e.partitions]] : [],
    );
  }

  get records(): { partition: number; offset: number; value: string | null }[] {
    return this.events.flatMap((e) =>
      e.type === 'record' ? [{ partition: e.partition, offset: e.offset, value: e.value }] : [],
    );
  }

  get errors(): string[] {
    return this.events.flatMap((e) => (e.type === 'error' ? [e.error] : []));
  }

  /** Every successful JoinGroup response, from librdkafka's debug log. */
  get joins(): PythonJoin[] {
    const re =
      /JoinGroup response: GenerationId (-?\d+), Protocol \S*, LeaderId \S*( \(me\))?, my MemberId (\S+), member metadata count \d+: \(no error\)/g;
    return [...this.#child.stderr.matchAll(re)].map((m) => ({
      generationId: Number(m[1]),
      leader: m[2] !== undefined,
      memberId: m[3]!,
    }));
  }

  async waitFor(
    what: string,
    done: (member: this) => boolean,
    timeoutMs = PYTHON_MEMBER_TIMEOUT_MS,
  ): Promise<void> {
    await this.#child.waitFor(`${what} (member ${this.name})`, () => done(this), timeoutMs);
  }

  /** Closes the consumer and waits for a clean exit. */
  async stop(timeoutMs = PYTHON_MEMBER_TIMEOUT_MS): Promise<void> {
    this.#child.write('stop\n');
    this.#child.endInput();
    await this.waitFor('a clean close', (m) => m.events.some((e) => e.type === 'done'), timeoutMs);
    const { code, signal } = await this.#child.exited;
    if (code !== 0) throw new Error(`Member ${this.name} exited with ${code ?? signal}`);
  }

  /** SIGKILL by PID. */
  async kill(): Promise<void> {
    await this.#child.kill('SIGKILL');
  }

  describe(): string {
    const events = this.events.filter((e) => e.type !== 'record' && e.type !== 'committed');
    const joins = JSON.stringify(this.joins);
    return `member ${this.name}: events ${JSON.stringify(events)} joins ${joins}\n${this.#child.stderr
      .split('\n')
      .filter((l) => !l.startsWith('%7|'))
      .join('\n')
      .slice(-2000)}`;
  }
}
