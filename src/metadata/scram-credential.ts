// A user's SCRAM credential as the cluster keeps it (KIP-554): never the password, only what a
// SCRAM server needs to verify a client, derived from the salted password the admin client sends
// (RFC 5802: StoredKey = H(HMAC(SaltedPassword, "Client Key")), ServerKey = HMAC(SaltedPassword,
// "Server Key")). Byte fields are base64 so the metadata file stays JSON.

/** Kafka's ScramMechanism codes on the wire. */
export const ScramMechanism = {
  UNKNOWN: 0,
  SCRAM_SHA_256: 1,
  SCRAM_SHA_512: 2,
} as const;

export interface ScramCredential {
  readonly user: string;
  /** ScramMechanism.SCRAM_SHA_256 or SCRAM_SHA_512. */
  readonly mechanism: number;
  readonly iterations: number;
  readonly salt: string;
  readonly storedKey: string;
  readonly serverKey: string;
}
