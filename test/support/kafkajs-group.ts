// KafkaJS consumer-group members as child processes (kafkajs-group-member.ts), for tests that
// crash a member for real. The member runs compiled from dist/ when this module does, and through
// tsx when this module runs from source. Its JSON event lines are parsed into assignments (with
// the generation), delivered records and acknowledged commits; the child is bounded by a lifetime
// and killed by its PID.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { MemberArgs } from './kafkajs-group-member.js';
import { BackgroundChild } from './run.js';

export const MEMBER_TIMEOUT_MS = 20_000;

export interface MemberAssignment {
  generationId: number;
  memberId: string;
  partitions: number[];
  at: number;
}

export interface MemberDelivery {
  partition: number;
  offset: number;
  value: string | null;
  at: number;
}

export interface MemberCommit {
  partition: number;
  offset: number;
  at: number;
}

type MemberEvent =
  | ({ type: 'assigned' } & MemberAssignment)
  | { type: 'batch'; partition: number; records: [number, string | null][]; at: number }
  | ({ type: 'committed' } & MemberCommit)
  | { type: 'error' | 'crash'; error: string; at: number }
  | { type: 'held' | 'running' | 'done'; at: number };

function memberCommand(args: MemberArgs): string[] {
  const here = fileURLToPath(import.meta.url);
  const fromSource = here.endsWith('.ts');
  const script = join(dirname(here), `kafkajs-group-member.${fromSource ? 'ts' : 'js'}`);
  const loader = fromSource ? ['--import', import.meta.resolve('tsx')] : [];
  return [...loader, script, JSON.stringify(args)];
}

export class KafkajsGroupMember {
  readonly name: string;
  readonly #child: BackgroundChild;
  readonly #events: MemberEvent[] = [];
  #parsed = 0;

  constructor(
    name: string,
    options: Omit<MemberArgs, 'clientId' | 'lifetimeMs'> & { lifetimeMs?: number },
  ) {
    this.name = name;
    const lifetimeMs = options.lifetimeMs ?? 120_000;
    this.#child = new BackgroundChild(
      process.execPath,
      memberCommand({ ...options, clientId: `member-${name}`, lifetimeMs }),
      { timeoutMs: lifetimeMs + 10_000 },
    );
  }

  get pid(): number {
    const pid = this.#child.pid;
    if (pid === undefined) throw new Error(`Member ${this.name} has no PID`);
    return pid;
  }

  get events(): readonly MemberEvent[] {
    const out = this.#child.stdout;
    const end = out.lastIndexOf(0x0a);
    if (end >= this.#parsed) {
      for (const line of out.toString('utf8', this.#parsed, end).split('\n')) {
        if (line !== '') this.#events.push(JSON.parse(line) as MemberEvent);
      }
      this.#parsed = end + 1;
    }
    return this.#events;
  }

  get assignments(): MemberAssignment[] {
    return this.events.flatMap((e) => (e.type === 'assigned' ? [e] : []));
  }

  /** The latest assignment, if any. */
  get assignment(): MemberAssignment | undefined {
    return this.assignments.at(-1);
  }

  get deliveries(): MemberDelivery[] {
    return this.events.flatMap((e) =>
      e.type === 'batch'
        ? e.records.map(([offset, value]) => ({ partition: e.partition, offset, value, at: e.at }))
        : [],
    );
  }

  get commits(): MemberCommit[] {
    return this.events.flatMap((e) => (e.type === 'committed' ? [e] : []));
  }

  /** The highest offset this member committed on each partition. */
  get committed(): Map<number, number> {
    const committed = new Map<number, number>();
    for (const c of this.commits)
      committed.set(c.partition, Math.max(c.offset, committed.get(c.partition) ?? 0));
    return committed;
  }

  get errors(): string[] {
    return this.events.flatMap((e) => (e.type === 'error' || e.type === 'crash' ? [e.error] : []));
  }

  async waitFor(
    what: string,
    done: (member: this) => boolean,
    timeoutMs = MEMBER_TIMEOUT_MS,
  ): Promise<void> {
    await this.#child.waitFor(`${what} (member ${this.name})`, () => done(this), timeoutMs);
  }

  /** Stops committing; resolves once the member acknowledged. */
  async hold(): Promise<void> {
    this.#child.write('hold\n');
    await this.waitFor('hold acknowledged', (m) => m.events.some((e) => e.type === 'held'));
  }

  /** Disconnects (LeaveGroup) and waits for a clean exit. */
  async stop(timeoutMs = MEMBER_TIMEOUT_MS): Promise<void> {
    this.#child.write('stop\n');
    await this.waitFor('a clean stop', (m) => m.events.some((e) => e.type === 'done'), timeoutMs);
    const { code, signal } = await this.#child.exited;
    if (code !== 0) throw new Error(`Member ${this.name} exited with ${code ?? signal}`);
  }

  /** SIGKILL by PID: the member crashes without committing or leaving. */
  async kill(): Promise<void> {
    await this.#child.kill('SIGKILL');
  }

  describe(): string {
    return `member ${this.name}: ${this.#child.describe()}`;
  }
}
