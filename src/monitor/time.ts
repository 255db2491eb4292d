// Hour and day buckets (UTC) shared by the metrics and the renderers.
export const HOUR = 3_600_000;
export const DAY = 86_400_000;

export const hourOf = (t: number): number => Math.floor(t / HOUR) * HOUR;
export const dayOf = (t: number): string => new Date(Math.floor(t / DAY) * DAY).toISOString().slice(0, 10);
export const iso = (t: number): string => new Date(t).toISOString();
/** `2026-12-03 14:00Z`: short enough for a terminal line. */
export const short = (t: number): string => new Date(t).toISOString().slice(0, 16).replace('T', ' ') + 'Z';

/** Every day from first to last (inclusive), for aligned sparklines. */
export function daysBetween(first: number, last: number): string[] {
  const out: string[] = [];
  for (let d = Math.floor(first / DAY) * DAY; d <= last && out.length < 400; d += DAY) out.push(dayOf(d));
  return out;
}

export function hoursBetween(first: number, last: number): number[] {
  const out: number[] = [];
  for (let h = hourOf(first); h <= last && out.length < 24 * 400; h += HOUR) out.push(h);
  return out;
}

export const pct = (x: number | null, digits = 1): string => (x === null ? 'n/a' : `${(x * 100).toFixed(digits)}%`);

export function duration(ms: number): string {
  if (ms < 60_000) return `${Math.round(ms / 1000)} s`;
  if (ms < HOUR) return `${Math.round(ms / 60_000)} min`;
  if (ms < 2 * DAY) return `${(ms / HOUR).toFixed(ms < 10 * HOUR ? 1 : 0)} h`;
  return `${(ms / DAY).toFixed(1)} days`;
}
