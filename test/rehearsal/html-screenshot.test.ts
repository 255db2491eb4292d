// The sign-off's HTML in a real browser: headless Chromium renders page one and we read the
// screenshot's pixels. A live record opens on a green LIVE banner, a practice one on an orange
// PRACTICE banner, a scripted one carries the purple SCRIPTED box, and page one (banner, signer,
// what MintCash confirmed, what the operator attested) fits one printed A4 page before the details
// start on the next (the print layout, measured with the print rules applied; the PDF Chromium
// prints has more than one page). Runs when `chromium` is installed (.ci/run installs it and sets
// GOLIVE_REQUIRE_CHROMIUM=1, so CI never skips it silently).
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { execa } from 'execa';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { HTML_COLOURS } from '../../src/rehearsal/render-html.js';
import { renderSignOffHtml } from '../../src/rehearsal/render.js';
import { buildSignOff } from '../../src/rehearsal/signoff.js';
import { loadOrCreateOperatorKey, type OperatorKey } from '../../src/rehearsal/signing.js';
import { completeState } from './fixture-state.js';

const CHROMIUM = process.env.CHROMIUM_BIN ?? 'chromium';
const available = await execa(CHROMIUM, ['--version'], { reject: false }).then((r) => r.exitCode === 0).catch(() => false);
const required = process.env.GOLIVE_REQUIRE_CHROMIUM === '1';
/** A4 at 96 dpi with the sign-off's 12 mm page margins: 186 × 273 mm. */
const A4_PRINTABLE = { width: 703, height: 1032 };

let dir: string;
let key: OperatorKey;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'golive-signoff-shot-'));
  key = await loadOrCreateOperatorKey(path.join(dir, 'key', 'k.pem'), path.join(dir, 'repo'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const html = (live: boolean, scripted: boolean) => renderSignOffHtml(buildSignOff(completeState({ live, scripted }), '0.1.0', key));

async function screenshot(name: string, page: string, width: number, height: number): Promise<PNG> {
  const file = path.join(dir, `${name}.html`);
  const png = path.join(dir, `${name}.png`);
  await writeFile(file, page);
  await execa(CHROMIUM, ['--headless', '--no-sandbox', '--disable-gpu', '--hide-scrollbars', `--window-size=${width},${height}`, `--screenshot=${png}`, pathToFileURL(file).href], { timeout: 60_000 });
  return PNG.sync.read(await readFile(png));
}

const rgb = (h: string): [number, number, number] => [parseInt(h.slice(1, 3), 16), parseInt(h.slice(3, 5), 16), parseInt(h.slice(5, 7), 16)];

/** Rows (y) where at least `minRun` pixels in a row have the colour: bands and rules, not glyphs. */
function bandRows(img: PNG, colour: string, minRun: number): number[] {
  const [r, g, b] = rgb(colour);
  const rows: number[] = [];
  for (let y = 0; y < img.height; y++) {
    let run = 0;
    let best = 0;
    for (let x = 0; x < img.width; x++) {
      const i = (y * img.width + x) * 4;
      const hit = Math.abs(img.data[i]! - r) < 14 && Math.abs(img.data[i + 1]! - g) < 14 && Math.abs(img.data[i + 2]! - b) < 14;
      run = hit ? run + 1 : 0;
      best = Math.max(best, run);
    }
    if (best >= minRun) rows.push(y);
  }
  return rows;
}

describe('the sign-off HTML in headless Chromium', { timeout: 180_000 }, () => {
  beforeEach((ctx) => {
    if (!available && !required) ctx.skip(`${CHROMIUM} is not installed (Debian's chromium; .ci/run installs it and sets GOLIVE_REQUIRE_CHROMIUM=1)`);
  });

  it('a live record opens on the green LIVE banner; no PRACTICE or SCRIPTED colour on it', async () => {
    const img = await screenshot('live', html(true, false), 1280, 900);
    const green = bandRows(img, HTML_COLOURS.live, 400);
    expect(green.length).toBeGreaterThan(20); // the banner's band, at the top
    expect(Math.min(...green)).toBeLessThan(80);
    expect(bandRows(img, HTML_COLOURS.practice, 200)).toEqual([]);
    expect(bandRows(img, HTML_COLOURS.scripted, 200)).toEqual([]);
  });

  it('a practice record opens on the orange PRACTICE banner, and a scripted one carries the purple SCRIPTED box', async () => {
    const img = await screenshot('practice', html(false, true), 1280, 900);
    const orange = bandRows(img, HTML_COLOURS.practice, 400);
    expect(orange.length).toBeGreaterThan(20);
    expect(Math.min(...orange)).toBeLessThan(80);
    expect(bandRows(img, HTML_COLOURS.live, 200)).toEqual([]);
    // The SCRIPTED box's top and bottom borders, just under the banner.
    const purple = bandRows(img, HTML_COLOURS.scripted, 400);
    expect(purple.length).toBeGreaterThan(1);
    expect(Math.min(...purple)).toBeGreaterThan(Math.max(...orange));
    expect(Math.max(...purple)).toBeLessThan(250);
  });

  it('page one fits one printed A4 page, and the details follow on the next', async () => {
    for (const [name, page] of [['live-print', html(true, false)], ['practice-print', html(false, true)]] as const) {
      // The print rules applied on screen, at the printable width of an A4 page.
      const printed = page.replace('@media print{', '@media all{');
      const img = await screenshot(name, printed, A4_PRINTABLE.width, 1600);
      const end = bandRows(img, HTML_COLOURS.pageEnd, A4_PRINTABLE.width - 40);
      expect(end.length, name).toBeGreaterThan(0);
      expect(Math.min(...end), `${name}: page one ends at ${Math.min(...end)} px`).toBeLessThan(A4_PRINTABLE.height);
    }
    const file = path.join(dir, 'live.html');
    const pdf = path.join(dir, 'live.pdf');
    await writeFile(file, html(true, false));
    await execa(CHROMIUM, ['--headless', '--no-sandbox', '--disable-gpu', '--no-pdf-header-footer', `--print-to-pdf=${pdf}`, pathToFileURL(file).href], { timeout: 60_000 });
    const pages = (await readFile(pdf)).toString('latin1').match(/\/Type\s*\/Page(?!s)/g) ?? [];
    expect(pages.length).toBeGreaterThanOrEqual(2);
  });
});
