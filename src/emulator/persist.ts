// The optional state file: loaded at start, written (atomically, mode 0600 because it holds the
// emulator's secret keys) shortly after each change and once more on stop.
import { readFile, rename, writeFile } from 'node:fs/promises';
import { GoliveError } from '../errors.js';
import { isEmulatorState, type EmulatorState } from './model.js';

export async function loadState(path: string): Promise<EmulatorState | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new GoliveError('IO', `cannot read the emulator state file ${path}`, { cause: e, suggestion: 'Check the path and its permissions, or pass another --state file.' });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  if (!isEmulatorState(json)) {
    throw new GoliveError('USAGE', `${path} is not an emulator state file`, { suggestion: 'Pass a new file name to --state, or delete the file to start fresh.' });
  }
  return json;
}

export class StateWriter {
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();
  lastError: unknown;

  constructor(
    private readonly path: string,
    private readonly state: EmulatorState,
    private readonly delayMs = 200,
  ) {}

  schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, this.delayMs);
    this.timer.unref();
  }

  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.writing = this.writing.then(async () => {
      const tmp = `${this.path}.${process.pid}.tmp`;
      try {
        await writeFile(tmp, JSON.stringify(this.state), { mode: 0o600 });
        await rename(tmp, this.path);
      } catch (e) {
        // A failed save must not take the emulator down; it is reported on stop.
        this.lastError = e;
      }
    });
    return this.writing;
  }
}
