// The time source storage uses (segment.ms rolls, retention.ms, flush.ms, LogAppendTime), injected
// so tests can move time by hours without sleeping. Milliseconds since the epoch, like Kafka's Time.

export interface Clock {
  now(): number;
}

export const SYSTEM_CLOCK: Clock = Object.freeze({ now: () => Date.now() });
