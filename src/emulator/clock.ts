// The emulator clock: real time plus an offset that `POST /__emulator/clock` moves forward, and a
// single timer that wakes the emulator when the next due thing (a refund settling, a renewal, a
// dunning retry) comes due in emulator time.
export class Clock {
  constructor(public offsetMs = 0) {}

  now(): number {
    return Date.now() + this.offsetMs;
  }

  iso(): string {
    return new Date(this.now()).toISOString();
  }
}

/** Longest single wait; longer waits re-arm, so a far-off renewal never overflows setTimeout. */
const MAX_WAIT_MS = 60 * 60 * 1000;

export class Waker {
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  /** `nextDue` returns the earliest due emulator time, or null; `tick` runs everything due. */
  constructor(
    private readonly clock: Clock,
    private readonly nextDue: () => number | null,
    private readonly tick: (now: number) => void,
  ) {}

  /** Runs what is due now, then sleeps until the next due time. */
  poke(): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.tick(this.clock.now());
    const due = this.nextDue();
    if (due === null) return;
    const wait = Math.min(Math.max(due - this.clock.now(), 0), MAX_WAIT_MS);
    this.timer = setTimeout(() => this.poke(), wait);
    this.timer.unref();
  }

  advance(ms: number): void {
    this.clock.offsetMs += ms;
    this.poke();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }
}
