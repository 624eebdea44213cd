// SCRAM credentials (KIP-554): DescribeUserScramCredentials and AlterUserScramCredentials over the
// metadata store, with Kafka's per-user answers. The broker keeps only StoredKey and ServerKey
// (RFC 5802), derived here from the salted password the admin client computed; SASL/SCRAM
// listeners will verify clients against them.
//
// Rules, as Kafka's controller applies them:
//   - a user named twice in one request: DUPLICATE_RESOURCE for that user, nothing changes for it;
//   - an empty user name or iterations outside [4096, 16384]: UNACCEPTABLE_CREDENTIAL;
//   - a mechanism other than SCRAM-SHA-256/512: UNSUPPORTED_SASL_MECHANISM;
//   - deleting or describing a credential that does not exist: RESOURCE_NOT_FOUND.
// Users whose every change is valid are applied together, in one durable write.
import { createHash, createHmac } from 'node:crypto';
import { KafkaError } from '../errors/kafka-error.js';
import type { MetadataStore } from '../metadata/metadata-store.js';
import { ScramMechanism, type ScramCredential } from '../metadata/scram-credential.js';

const MIN_ITERATIONS = 4096;
const MAX_ITERATIONS = 16384;

const HASHES: ReadonlyMap<number, string> = new Map([
  [ScramMechanism.SCRAM_SHA_256, 'sha256'],
  [ScramMechanism.SCRAM_SHA_512, 'sha512'],
]);

export interface ScramDeletion {
  readonly name: string;
  readonly mechanism: number;
}

export interface ScramUpsertion extends ScramDeletion {
  readonly iterations: number;
  readonly salt: Buffer;
  readonly saltedPassword: Buffer;
}

/** Per user: null when described/altered, else why not. */
export interface UserResult<T> {
  readonly user: string;
  readonly error: KafkaError | null;
  readonly value?: T;
}

/** RFC 5802's StoredKey and ServerKey of a salted password. */
function derive(hash: string, saltedPassword: Buffer): { storedKey: Buffer; serverKey: Buffer } {
  const clientKey = createHmac(hash, saltedPassword).update('Client Key').digest();
  return {
    storedKey: createHash(hash).update(clientKey).digest(),
    serverKey: createHmac(hash, saltedPassword).update('Server Key').digest(),
  };
}

function validate(change: ScramDeletion | ScramUpsertion): void {
  if (change.name === '')
    throw new KafkaError('UNACCEPTABLE_CREDENTIAL', 'Username must not be empty');
  if (!HASHES.has(change.mechanism))
    throw new KafkaError('UNSUPPORTED_SASL_MECHANISM', 'Unknown SCRAM mechanism');
  if ('iterations' in change) {
    if (change.iterations < MIN_ITERATIONS)
      throw new KafkaError('UNACCEPTABLE_CREDENTIAL', 'Too few iterations');
    if (change.iterations > MAX_ITERATIONS)
      throw new KafkaError('UNACCEPTABLE_CREDENTIAL', 'Too many iterations');
  }
}

export class ScramCredentials {
  readonly #store: MetadataStore;

  constructor(store: MetadataStore) {
    this.#store = store;
  }

  /** The mechanisms and iterations of each user (every user with a credential when null/empty). */
  describe(
    users: readonly string[] | null,
  ): UserResult<{ mechanism: number; iterations: number }[]>[] {
    const all = this.#store.scramCredentials();
    const infos = (user: string) =>
      all
        .filter((c) => c.user === user)
        .map((c) => ({ mechanism: c.mechanism, iterations: c.iterations }));
    if (users === null || users.length === 0) {
      const names = [...new Set(all.map((c) => c.user))];
      return names.map((user) => ({ user, error: null, value: infos(user) }));
    }
    const seen = new Map<string, number>();
    for (const user of users) seen.set(user, (seen.get(user) ?? 0) + 1);
    return [...seen].map(
      ([user, count]): UserResult<{ mechanism: number; iterations: number }[]> => {
        if (count > 1) {
          return {
            user,
            error: new KafkaError(
              'DUPLICATE_RESOURCE',
              'Cannot describe SCRAM credentials for the same user twice in a single request',
            ),
          };
        }
        const found = infos(user);
        if (found.length === 0) {
          return {
            user,
            error: new KafkaError(
              'RESOURCE_NOT_FOUND',
              `Attempt to describe a user credential that does not exist: ${user}`,
            ),
          };
        }
        return { user, error: null, value: found };
      },
    );
  }

  /** Applies deletions and upsertions; one result per user named. */
  async alter(
    deletions: readonly ScramDeletion[],
    upsertions: readonly ScramUpsertion[],
  ): Promise<UserResult<never>[]> {
    const changes = [...deletions, ...upsertions];
    const counts = new Map<string, number>();
    for (const c of changes) counts.set(c.name, (counts.get(c.name) ?? 0) + 1);
    const errors = new Map<string, KafkaError>();
    const existing = this.#store.scramCredentials();
    for (const change of changes) {
      if (errors.has(change.name)) continue;
      try {
        if (counts.get(change.name)! > 1) {
          throw new KafkaError(
            'DUPLICATE_RESOURCE',
            'A user credential cannot be altered twice in the same request',
          );
        }
        validate(change);
        const isDeletion = !('iterations' in change);
        if (
          isDeletion &&
          !existing.some((c) => c.user === change.name && c.mechanism === change.mechanism)
        ) {
          throw new KafkaError(
            'RESOURCE_NOT_FOUND',
            'Attempt to delete a user credential that does not exist',
          );
        }
      } catch (err) {
        if (!(err instanceof KafkaError)) throw err;
        errors.set(change.name, err);
      }
    }
    const valid = <T extends ScramDeletion>(c: T): boolean => !errors.has(c.name);
    const upsert = upsertions.filter(valid).map((u): ScramCredential => {
      const { storedKey, serverKey } = derive(HASHES.get(u.mechanism)!, u.saltedPassword);
      return {
        user: u.name,
        mechanism: u.mechanism,
        iterations: u.iterations,
        salt: u.salt.toString('base64'),
        storedKey: storedKey.toString('base64'),
        serverKey: serverKey.toString('base64'),
      };
    });
    const remove = deletions.filter(valid).map((d) => ({ user: d.name, mechanism: d.mechanism }));
    if (upsert.length > 0 || remove.length > 0)
      await this.#store.alterScramCredentials(remove, upsert);
    return [...counts.keys()].map((user) => ({ user, error: errors.get(user) ?? null }));
  }
}
