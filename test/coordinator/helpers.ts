// Drivers for the group coordinator shard tests: a fake clock and request builders.
import { GroupCoordinatorShard, type RequestContext } from '../../src/coordinator/group/index.js';
import type { CoordinatorRecord } from '../../src/coordinator/group/index.js';
import type { JoinGroupRequest } from '../../src/protocol/generated/api/join-group.js';

export interface Harness {
  shard: GroupCoordinatorShard;
  clock: { now: number };
  /** Every record the shard emitted, in order. */
  log: CoordinatorRecord[];
  ctx: (apiVersion?: number, clientId?: string) => RequestContext;
  record: <T>(result: { response: T; records: CoordinatorRecord[] }) => T;
}

export function harness(initialDelayMs = 0): Harness {
  const clock = { now: 1_000_000 };
  let n = 0;
  const shard = new GroupCoordinatorShard({
    clock: () => clock.now,
    newId: () => `id${++n}`,
    config: { groupInitialRebalanceDelayMs: initialDelayMs },
  });
  const log: CoordinatorRecord[] = [];
  return {
    shard,
    clock,
    log,
    ctx: (apiVersion = 9, clientId = 'client') => ({
      apiVersion,
      clientId,
      clientHost: '/127.0.0.1',
    }),
    record: (result) => {
      log.push(...result.records);
      return result.response;
    },
  };
}

export function joinRequest(
  groupId: string,
  memberId = '',
  metadata = 'sub',
  overrides: Partial<JoinGroupRequest> = {},
): JoinGroupRequest {
  return {
    groupId,
    sessionTimeoutMs: 10_000,
    rebalanceTimeoutMs: 30_000,
    memberId,
    groupInstanceId: null,
    protocolType: 'consumer',
    protocols: [{ name: 'range', metadata: Buffer.from(metadata) }],
    reason: null,
    ...overrides,
  };
}

/** Whether a promise has settled, after letting pending microtasks run. */
export async function settled<T>(p: Promise<T>): Promise<boolean> {
  let done = false;
  void p.then(() => {
    done = true;
  });
  await new Promise((r) => setImmediate(r));
  return done;
}

/** The shard rebuilt by replaying every record in `log`. */
export function replayed(log: CoordinatorRecord[]): GroupCoordinatorShard {
  const shard = new GroupCoordinatorShard({ clock: () => 0 });
  for (const r of log) shard.replay(r.key, r.value);
  return shard;
}
