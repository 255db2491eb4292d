// Headless Chromium for the HTML report tests: whether it is installed (and whether CI requires it),
// and a screenshot of a page read back as pixels.
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { execa } from 'execa';
import { PNG } from 'pngjs';

export const CHROMIUM = process.env.CHROMIUM_BIN ?? 'chromium';

/** Whether a command answers `--version`: how the tool-backed tests decide to run or skip. */
export async function toolAnswers(cmd: string): Promise<boolean> {
  return execa(cmd, ['--version'], { reject: false }).then((r) => r.exitCode === 0).catch(() => false);
}

export async function screenshot(dir: string, name: string, html: string, height: number): Promise<PNG> {
  const file = path.join(dir, `${name}.html`);
  const png = path.join(dir, `${name}.png`);
  await writeFile(file, html);
  await execa(CHROMIUM, ['--headless', '--no-sandbox', '--disable-gpu', '--hide-scrollbars', `--window-size=1280,${height}`, `--screenshot=${png}`, pathToFileURL(file).href], { timeout: 60_000 });
  return PNG.sync.read(await readFile(png));
}

export const hex = (h: string): [number, number, number] => [parseInt(h.slice(1, 3), 16), parseInt(h.slice(3, 5), 16), parseInt(h.slice(5, 7), 16)];
