// Every client the golden capture drives, by fixture directory name.
import type { CaptureDriver } from '../client-capture.js';
import { CONFLUENT_PYTHON, KAFKAJS, KCAT, PLATFORMATIC } from '../scenarios.js';
import { captureConfluentPython } from './confluent-python.js';
import { captureKafkaJs } from './kafkajs.js';
import { captureKcat } from './kcat.js';
import { capturePlatformatic } from './platformatic.js';

export const DRIVERS: ReadonlyMap<string, CaptureDriver> = new Map([
  [KAFKAJS.dir, captureKafkaJs],
  [PLATFORMATIC.dir, capturePlatformatic],
  [KCAT.dir, captureKcat],
  [CONFLUENT_PYTHON.dir, captureConfluentPython],
]);
