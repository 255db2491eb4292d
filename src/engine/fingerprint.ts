// Content-based finding fingerprints: check id + file path + hash of the matched value.
// No line, column or commit goes in, so a fingerprint survives rebases and edits above it.
import { createHash } from 'node:crypto';

export function fingerprint(checkId: string, file: string | undefined, matched: string): string {
  return createHash('sha256').update(`${checkId}\0${file ?? ''}\0${matched}`).digest('hex').slice(0, 20);
}
