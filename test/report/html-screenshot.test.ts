// The HTML report in a real browser: headless Chromium renders it under its own CSP and we read
// the screenshot's pixels. The verdict banner has the verdict's colour, and skipped
// checks are folded away (their grey cards appear only when the <details> is opened). Runs when
// `chromium` is installed (.ci/run installs it and sets GOLIVE_REQUIRE_CHROMIUM=1, so CI never
// skips it silently).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { PNG } from 'pngjs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { renderHtml } from '../../src/report/html.js';
import { CHROMIUM, hex, screenshot as shoot, toolAnswers } from '../helpers/chromium.js';
import { passingReport, sampleReport } from './fixtures/sample.js';

const available = await toolAnswers(CHROMIUM);
const required = process.env.GOLIVE_REQUIRE_CHROMIUM === '1';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'golive-shot-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const screenshot = (name: string, html: string, height = 2800): Promise<PNG> => shoot(dir, name, html, height);

/** Vertical runs (x, top, length) of at least minLen pixels of one colour: borders, not glyphs. */
function runs(img: PNG, colour: string, minLen: number, maxY = img.height): Array<{ x: number; y: number; len: number }> {
  const [r, g, b] = hex(colour);
  const out: Array<{ x: number; y: number; len: number }> = [];
  for (let x = 0; x < img.width; x++) {
    let start = -1;
    for (let y = 0; y <= maxY; y++) {
      const i = (y * img.width + x) * 4;
      const hit = y < maxY && Math.abs(img.data[i]! - r) < 12 && Math.abs(img.data[i + 1]! - g) < 12 && Math.abs(img.data[i + 2]! - b) < 12;
      if (hit && start < 0) start = y;
      if (!hit && start >= 0) {
        if (y - start >= minLen) out.push({ x, y: start, len: y - start });
        start = -1;
      }
    }
  }
  return out;
}

const FAIL = '#cf222e';
const PASS = '#1a7f37';
const SKIP = '#6e7781';
const PENDING = '#0969da';

describe('the HTML report in headless Chromium', { timeout: 120_000 }, () => {
  beforeEach((ctx) => {
    if (!available && !required) ctx.skip(`${CHROMIUM} is not installed (Debian's chromium; .ci/run installs it and sets GOLIVE_REQUIRE_CHROMIUM=1)`);
  });

  it('is installed when CI requires it', () => {
    expect(available).toBe(true);
  });

  it('opens on the verdict: a red banner for a failing run, the first blocking card in the first screen', async () => {
    const img = await screenshot('fail', renderHtml(sampleReport()), 900);
    expect(img.width).toBe(1280);
    const banner = runs(img, FAIL, 60, 250);
    expect(banner.length).toBeGreaterThan(0); // the header's 6 px border, styled despite the CSP
    // Below the banner, still in the first 900 px: the first blocking check's red left border.
    expect(runs(img, FAIL, 60).some((r) => r.y > 250)).toBe(true);
    expect(runs(img, PASS, 40, 250)).toEqual([]);
  });

  it('a run ready for the rehearsal opens on a blue banner; only "ready to go live" is green', async () => {
    const rehearsal = await screenshot('rehearsal', renderHtml(passingReport()), 600);
    expect(runs(rehearsal, PENDING, 60, 250).length).toBeGreaterThan(0);
    expect(runs(rehearsal, PASS, 40, 250)).toEqual([]);
    expect(runs(rehearsal, FAIL, 20, 250)).toEqual([]);
    const base = passingReport();
    const ready = await screenshot('ready', renderHtml({ ...base, summary: { ...base.summary, verdict: 'ready' } }), 600);
    expect(runs(ready, PASS, 60, 250).length).toBeGreaterThan(0);
  });

  it('folds skipped checks away; opening the <details> shows their grey cards (the probe is not vacuous)', async () => {
    const html = renderHtml(sampleReport());
    expect(runs(await screenshot('folded', html), SKIP, 40)).toEqual([]);
    const opened = html.replace('<details class="skipped">', '<details class="skipped" open>');
    expect(runs(await screenshot('opened', opened), SKIP, 40).length).toBeGreaterThan(0);
  });
});
