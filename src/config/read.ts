// Reads a file the user named (config, baseline, saved report) only when it is a regular file: a
// FIFO would block forever, a device could stream without end. Opened non-blocking, checked with
// fstat on the same descriptor (no race between check and read), and capped in size.
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { GoliveError, describeError } from '../errors.js';

export const MAX_INPUT_BYTES = 16 * 1024 * 1024;

function kindOf(st: { isFIFO(): boolean; isSocket(): boolean; isCharacterDevice(): boolean; isBlockDevice(): boolean; isDirectory(): boolean }): string {
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  return 'not a regular file';
}

/** The file's text, or undefined when it does not exist; any other problem is exit 2 with one line. */
export async function readRegularFile(file: string, label: string, suggestion?: string): Promise<string | undefined> {
  let handle;
  try {
    handle = await open(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw new GoliveError('IO', `cannot read ${label}: ${describeError(e)}`, suggestion ? { suggestion } : {});
  }
  try {
    const st = await handle.stat();
    if (!st.isFile()) {
      throw new GoliveError('IO', `${label} is ${kindOf(st)}, not a regular file`, { suggestion: suggestion ?? 'Point golive at a regular file.' });
    }
    if (st.size > MAX_INPUT_BYTES) throw new GoliveError('IO', `${label} is larger than ${MAX_INPUT_BYTES / 1024 / 1024} MB`, suggestion ? { suggestion } : {});
    return await handle.readFile('utf8');
  } catch (e) {
    if (e instanceof GoliveError) throw e;
    throw new GoliveError('IO', `cannot read ${label}: ${describeError(e)}`, suggestion ? { suggestion } : {});
  } finally {
    await handle.close();
  }
}
