// samsa configs --entity-type users: SCRAM credentials (KIP-554) as kafka-configs.sh alters and
// describes them, with DescribeUserScramCredentials and AlterUserScramCredentials.
//
//   --add-config 'SCRAM-SHA-256=[iterations=8192,password=secret],SCRAM-SHA-512=[password=secret]'
//   --delete-config SCRAM-SHA-512
//
// As Kafka's admin client does, the password never leaves this process: it sends a random salt
// and the salted password (PBKDF2 with the mechanism's hash), from which the broker keeps only
// StoredKey and ServerKey. Iterations default to 4096 and below 4096 are refused here, as Kafka's
// ConfigCommand refuses them; the broker refuses more than 16384. User quotas
// (producer_byte_rate, …) are Kafka's other user configs: Samsa has no client quotas yet, so
// they are refused before anything is sent.
import { pbkdf2Sync, randomBytes } from 'node:crypto';
import { ScramMechanism } from '../../metadata/scram-credential.js';
import { Apis } from '../../protocol/generated/index.js';
import type { AlterUserScramCredentialsRequest } from '../../protocol/generated/api/alter-user-scram-credentials.js';
import { UsageError } from '../args.js';
import { kafkaErrorFor, type KafkaClient } from '../client/index.js';
import type { Output } from '../output.js';

const MECHANISMS: ReadonlyMap<string, { code: number; hash: string; keyLength: number }> = new Map([
  ['SCRAM-SHA-256', { code: ScramMechanism.SCRAM_SHA_256, hash: 'sha256', keyLength: 32 }],
  ['SCRAM-SHA-512', { code: ScramMechanism.SCRAM_SHA_512, hash: 'sha512', keyLength: 64 }],
]);
/** Kafka's ConfigCommand default, and ScramMechanism.minIterations of both mechanisms. */
const DEFAULT_ITERATIONS = 4096;
const MIN_ITERATIONS = 4096;
/** QuotaConfig.isClientOrUserQuotaConfig: the user configs that are client quotas. */
const QUOTA_CONFIGS = [
  'producer_byte_rate',
  'consumer_byte_rate',
  'request_percentage',
  'controller_mutation_rate',
];

function mechanismName(code: number): string {
  for (const [name, m] of MECHANISMS) if (m.code === code) return name;
  return `UNKNOWN(${code})`;
}

/** Refuses user quota keys: one line, naming them. */
function refuseQuotas(keys: readonly string[]): void {
  const quotas = keys.filter((k) => QUOTA_CONFIGS.includes(k));
  if (quotas.length > 0) {
    throw new UsageError(
      `Client quotas are not supported yet: ${quotas.join(',')} cannot be set for users (only SCRAM-SHA-256 and SCRAM-SHA-512 credentials)`,
    );
  }
}

/** --entity-default / an empty name with users: only quotas have a default user. */
export function refuseDefaultUser(action: 'describe' | 'alter'): never {
  if (action === 'describe') {
    throw new UsageError(
      'Client quotas are not supported yet: --entity-default of users describes the default user quotas',
    );
  }
  throw new UsageError(
    'The use of --entity-default or --user-defaults is not allowed with User SCRAM Credentials using --bootstrap-server.',
  );
}

/**
 * Kafka's `[iterations=N,]password=SECRET` after a mechanism name (brackets already dropped);
 * iterations -1 or absent is the default. The password is not echoed in errors.
 */
export function parseScramCredential(
  mechanism: string,
  text: string,
): { iterations: number; password: string } {
  const match = /^(?:iterations=(-?[0-9]*),)?password=(.*)$/.exec(text);
  const digits = match?.[1];
  if (
    match === null ||
    digits === '' ||
    (digits !== undefined && !/^-?[0-9]{1,10}$/.test(digits)) ||
    (digits !== undefined && Math.abs(Number(digits)) > 2 ** 31 - 1)
  ) {
    throw new UsageError(
      `Invalid credential property ${mechanism}: expected ${mechanism}=[iterations=N,password=SECRET] or ${mechanism}=[password=SECRET]`,
    );
  }
  const iterations =
    digits === undefined || Number(digits) === -1 ? DEFAULT_ITERATIONS : Number(digits);
  if (iterations < MIN_ITERATIONS) {
    // Kafka's ConfigCommand: an IllegalArgumentException (exit 1), not a usage message.
    throw new Error(
      `Iterations ${iterations} is less than the minimum ${MIN_ITERATIONS} required for ${mechanism}`,
    );
  }
  return { iterations, password: match[2] ?? '' };
}

/**
 * The AlterUserScramCredentials request for --alter of one user, checked as Kafka's ConfigCommand
 * checks it: only SCRAM mechanisms (quotas refused), no default user, one salted password each.
 */
export function scramAlterations(
  user: string,
  toSet: readonly { name: string; value: string }[],
  toDelete: readonly string[],
): AlterUserScramCredentialsRequest {
  refuseQuotas([...toSet.map((c) => c.name), ...toDelete]);
  const unknownToAdd = toSet.map((c) => c.name).filter((k) => !MECHANISMS.has(k));
  if (unknownToAdd.length > 0) {
    throw new UsageError(
      `Only SCRAM credential configs can be added for 'users' using --bootstrap-server. Unexpected config names: ${unknownToAdd.join(',')}`,
    );
  }
  const unknownToDelete = toDelete.filter((k) => !MECHANISMS.has(k));
  if (unknownToDelete.length > 0) {
    throw new UsageError(
      `Only SCRAM credential configs can be deleted for 'users' using --bootstrap-server. Unexpected config names: ${unknownToDelete.join(',')}`,
    );
  }
  if (user === '') refuseDefaultUser('alter');
  return {
    deletions: toDelete.map((name) => ({ name: user, mechanism: MECHANISMS.get(name)!.code })),
    upsertions: toSet.map((c) => {
      const m = MECHANISMS.get(c.name)!;
      const { iterations, password } = parseScramCredential(c.name, c.value);
      const salt = randomBytes(32);
      const saltedPassword = pbkdf2Sync(
        Buffer.from(password, 'utf8'),
        salt,
        iterations,
        m.keyLength,
        m.hash,
      );
      return { name: user, mechanism: m.code, iterations, salt, saltedPassword };
    }),
  };
}

/**
 * Sends the alteration; a failure is one line naming the user (and the mechanism, when sent
 * alone). Kafka's KRaft controller, like Samsa's broker, refuses two changes of one user in one
 * request (DUPLICATE_RESOURCE, "altered twice"), even of two mechanisms, so kafka-configs.sh
 * fails on `SCRAM-SHA-256=[…],SCRAM-SHA-512=[…]` against Kafka 3.5+. A refused request changes
 * nothing, so when its mechanisms are distinct each change is then sent on its own: deletions
 * first, stopping at the first failure, whose message names the changes already made.
 */
export async function alterUserScramCredentials(
  client: KafkaClient,
  user: string,
  request: AlterUserScramCredentialsRequest,
): Promise<void> {
  const send = async (r: AlterUserScramCredentialsRequest) => {
    const response = await client.request(Apis.AlterUserScramCredentials, r, {
      broker: 'controller',
    });
    const failed = response.results.find((result) => result.errorCode !== 0);
    return failed === undefined ? null : kafkaErrorFor(failed.errorCode, failed.errorMessage);
  };
  const mechanisms = [...request.deletions, ...request.upsertions].map((c) => c.mechanism);
  const distinct = new Set(mechanisms).size === mechanisms.length;
  const failure = await send(request);
  if (failure === null) return;
  if (failure.errorName !== 'DUPLICATE_RESOURCE' || !distinct || mechanisms.length < 2) {
    throw kafkaErrorFor(
      failure.errorCode,
      `Cannot alter SCRAM credentials of user ${user}: ${failure.message}`,
    );
  }
  const done: string[] = [];
  const steps = [
    ...request.deletions.map((d) => ({
      what: `delete ${mechanismName(d.mechanism)}`,
      r: { deletions: [d], upsertions: [] },
    })),
    ...request.upsertions.map((u) => ({
      what: `set ${mechanismName(u.mechanism)}`,
      r: { deletions: [], upsertions: [u] },
    })),
  ];
  for (const step of steps) {
    const stepFailure = await send(step.r);
    if (stepFailure !== null) {
      const reason = `${stepFailure.message} (${stepFailure.errorName})`;
      const applied = done.length > 0 ? `; already done: ${done.join(', ')}` : '';
      throw kafkaErrorFor(
        stepFailure.errorCode,
        `Cannot ${step.what} for user ${user}: ${reason}${applied}`,
      );
    }
    done.push(step.what);
  }
}

/**
 * --describe: `SCRAM credential configs for user-principal 'alice' are SCRAM-SHA-256=iterations=8192`
 * per user, every user with a credential when no name is given; a named user without one is an
 * error (RESOURCE_NOT_FOUND).
 */
export async function describeUserScramCredentials(
  client: KafkaClient,
  user: string | undefined,
  json: boolean,
  out: Output,
): Promise<number> {
  const response = await client.request(
    Apis.DescribeUserScramCredentials,
    { users: user === undefined ? null : [{ name: user }] },
    { broker: 'any' },
  );
  if (response.errorCode !== 0) throw kafkaErrorFor(response.errorCode, response.errorMessage);
  const users = [...response.results]
    .sort((a, b) => (a.user < b.user ? -1 : a.user > b.user ? 1 : 0))
    .map((r) => {
      if (r.errorCode !== 0) throw kafkaErrorFor(r.errorCode, r.errorMessage);
      return {
        user: r.user,
        credentials: [...r.credentialInfos]
          .sort((a, b) => a.mechanism - b.mechanism)
          .map((c) => ({ mechanism: mechanismName(c.mechanism), iterations: c.iterations })),
      };
    });
  if (json) {
    out.json(
      users.map((u) => ({
        entityType: 'users',
        entityName: u.user,
        scramCredentials: u.credentials,
      })),
    );
    return 0;
  }
  for (const u of users) {
    const text = u.credentials.map((c) => `${c.mechanism}=iterations=${c.iterations}`).join(', ');
    out.line(`SCRAM credential configs for user-principal '${u.user}' are ${text}`);
  }
  return 0;
}
