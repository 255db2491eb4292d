// Where golive's compiled files are, for what it starts in another thread or process (the secret
// scan's workers, a plugin's sandboxed child) and for what a plugin imports as `mintcash-golive`.
// This file sits directly in dist/src/ once built, exactly like the single-file CLI bundle
// (dist/src/golive-cli.js), so the same relative URL works from both. From the TypeScript sources
// (golive's own tests) the build's copies are used: a worker or a sandbox runs plain JavaScript.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** True when running golive's TypeScript sources (its own test runner), not the build. */
export const FROM_SOURCE = import.meta.url.endsWith('.ts');

const HERE = fileURLToPath(new URL('.', import.meta.url));

/** dist/src of this installation. */
export const DIST_SRC = FROM_SOURCE ? path.resolve(HERE, '../dist/src') : HERE;

/** A compiled module of this installation, e.g. distFile('evidence', 'scan-worker.js'). */
export function distFile(...parts: string[]): string {
  return path.join(DIST_SRC, ...parts);
}

/** A module of the package's public API as this installation runs it (sources in golive's tests). */
export function ownModule(...parts: string[]): string {
  return path.join(HERE, ...parts);
}
