// The monitor's HTML report in a real browser: headless Chromium renders it under its own CSP and
// we read the screenshot's pixels: the banner has the status colour, the hourly delivery chart
// shows the outage as red bars between green ones, the cohort chart shows recovered and cancelled
// segments, and a healthy week shows no red at all. Runs when `chromium` is installed (.ci/run
// installs it and sets GOLIVE_REQUIRE_CHROMIUM=1, so CI never skips it silently).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { PNG } from 'pngjs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { renderMonitorHtml } from '../../src/monitor/render/html.js';
import { CHROMIUM, hex, screenshot as shoot, toolAnswers } from '../helpers/chromium.js';
import { fixtureReport } from './fixtures.js';

const available = await toolAnswers(CHROMIUM);
const required = process.env.GOLIVE_REQUIRE_CHROMIUM === '1';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'golive-monitor-shot-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const screenshot = (name: string, html: string, height = 2400): Promise<PNG> => shoot(dir, name, html, height);

/** Pixels of one colour (within a small tolerance) in rows [y0, y1). */
function count(img: PNG, colour: string, y0 = 0, y1 = img.height): number {
  const [r, g, b] = hex(colour);
  let n = 0;
  for (let y = y0; y < Math.min(y1, img.height); y++) {
    for (let x = 0; x < img.width; x++) {
      const i = (y * img.width + x) * 4;
      if (Math.abs(img.data[i]! - r) < 10 && Math.abs(img.data[i + 1]! - g) < 10 && Math.abs(img.data[i + 2]! - b) < 10) n++;
    }
  }
  return n;
}

const RED = '#cf222e';
const GREEN = '#1a7f37';

describe('the monitor HTML report in headless Chromium', { timeout: 120_000 }, () => {
  beforeEach((ctx) => {
    if (!available && !required) ctx.skip(`${CHROMIUM} is not installed (Debian's chromium; .ci/run installs it and sets GOLIVE_REQUIRE_CHROMIUM=1)`);
  });

  it('is installed when CI requires it', () => {
    expect(available).toBe(true);
  });

  it('draws the alert banner, the outage in the hourly chart and the churned cohort, with no script or remote load', async () => {
    const html = renderMonitorHtml(await fixtureReport());
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/);
    const img = await screenshot('alert', html);
    expect(count(img, RED, 0, 120)).toBeGreaterThan(300); // the banner's 6 px border
    // Charts: many red pixels (outage hours, cancelled segment) and many green (healthy hours, recovered).
    expect(count(img, RED, 120)).toBeGreaterThan(2000);
    expect(count(img, GREEN, 120)).toBeGreaterThan(5000);
  });

  it('a healthy week has a green banner and not one red pixel', async () => {
    const img = await screenshot('healthy', renderMonitorHtml(await fixtureReport({ incidents: false })));
    expect(count(img, GREEN, 0, 120)).toBeGreaterThan(300);
    expect(count(img, RED)).toBe(0);
  });
});
