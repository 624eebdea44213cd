// Golden fixture files: test/fixtures/golden/<client>/NNN-<api-name>-v<version>.bin, one per
// captured request frame (the bytes after the size prefix), and a manifest.json per client saying
// who sent them, how the client was driven, and what each frame is.
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../../../scripts/project-root.js';
import { ApisByKey } from '../../../src/protocol/generated/index.js';
import type { VersionRange } from './advertised-versions.js';
import type { CapturedFrame } from './capture-server.js';
import type { ClientCapture, ClientRun } from './client-capture.js';
import { kebabApiName } from './request-frame.js';

export const MANIFEST = 'manifest.json';
export const REGENERATE = 'npx tsx scripts/capture-golden.ts';

export interface ManifestFrame {
  file: string;
  run: string;
  connection: number;
  apiKey: number;
  apiName: string;
  apiVersion: number;
  correlationId: number;
  clientId: string | null;
  size: number;
}

export interface Manifest {
  /** The fixture directory name, e.g. "kcat". */
  dir: string;
  client: string;
  clientVersion: string;
  clientId: string;
  driver: string;
  capturedAt: string;
  capturedWith: { node: string; platform: string };
  regenerate: string;
  /** What the capture server advertised in ApiVersions, by API name. */
  advertised: Record<string, VersionRange>;
  runs: ClientRun[];
  frames: ManifestFrame[];
}

export function goldenRoot(moduleUrl: string): string {
  return join(projectRoot(moduleUrl), 'test', 'fixtures', 'golden');
}

export function apiName(apiKey: number): string {
  return ApisByKey.get(apiKey)?.name ?? `Unknown${apiKey}`;
}

/** "003-produce-v7.bin": arrival order, API, version. */
export function fixtureFileName(
  index: number,
  frame: Pick<CapturedFrame, 'apiKey' | 'apiVersion'>,
): string {
  return `${String(index).padStart(3, '0')}-${kebabApiName(apiName(frame.apiKey))}-v${frame.apiVersion}.bin`;
}

export function buildManifest(capture: ClientCapture): Manifest {
  return {
    dir: capture.scenario.dir,
    client: capture.client,
    clientVersion: capture.clientVersion,
    clientId: capture.scenario.clientId,
    driver: capture.driver,
    capturedAt: new Date().toISOString(),
    capturedWith: { node: process.version, platform: `${process.platform}-${process.arch}` },
    regenerate: REGENERATE,
    advertised: Object.fromEntries(
      [...capture.advertised].map(([key, range]) => [apiName(key), range]),
    ),
    runs: capture.runs,
    frames: capture.frames.map((frame, i) => ({
      file: fixtureFileName(i, frame),
      run: frame.run,
      connection: frame.connection,
      apiKey: frame.apiKey,
      apiName: apiName(frame.apiKey),
      apiVersion: frame.apiVersion,
      correlationId: frame.correlationId,
      clientId: frame.clientId,
      size: frame.bytes.length,
    })),
  };
}

/** Replaces the client's fixture directory with this capture. */
export function writeFixtures(
  root: string,
  manifest: Manifest,
  frames: readonly CapturedFrame[],
): string {
  const dir = join(root, manifest.dir);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  manifest.frames.forEach((entry, i) => writeFileSync(join(dir, entry.file), frames[i]!.bytes));
  writeFileSync(join(dir, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
  return dir;
}

export interface FixtureSet {
  manifest: Manifest;
  frames: { entry: ManifestFrame; bytes: Buffer }[];
  /** .bin files in the directory that the manifest does not list. */
  unlisted: string[];
}

/** Every client directory under the golden root that has a manifest. */
export function listFixtureDirs(root: string): string[] {
  return readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
}

export function readFixtures(root: string, dirName: string): FixtureSet {
  const dir = join(root, dirName);
  const manifest = JSON.parse(readFileSync(join(dir, MANIFEST), 'utf8')) as Manifest;
  const listed = new Set(manifest.frames.map((f) => f.file));
  return {
    manifest,
    frames: manifest.frames.map((entry) => ({ entry, bytes: readFileSync(join(dir, entry.file)) })),
    unlisted: readdirSync(dir).filter((f) => f.endsWith('.bin') && !listed.has(f)),
  };
}
