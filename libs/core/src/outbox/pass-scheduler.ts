/** What a pass reports: `retry` when what it was woken for may become readable shortly. */
export type PassOutcome = 'done' | 'retry';

/**
 * Runs a pass when asked, coalescing bursts: at most one pass runs and one more is pending, so a
 * request during a pass schedules exactly one more (which sees everything the requests were
 * about), never one per request. A pass answering `retry` is run again after each of
 * `retryDelaysMs` in turn until one answers `done`; a new request starts that series over.
 * A failing pass is reported to `onError` and counts as `done`: it never rejects to the caller.
 */
export class PassScheduler {
  private running: Promise<void> | undefined;
  private pending = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private retriesUsed = 0;
  private closed = false;

  constructor(
    private readonly pass: () => Promise<PassOutcome>,
    private readonly retryDelaysMs: readonly number[],
    private readonly onError: (error: unknown) => void,
  ) {}

  /** A fresh reason to look: runs a pass now, or once the running one ends. */
  request(): void {
    this.retriesUsed = 0;
    this.start();
  }

  /** Runs no more passes and waits for the running one to end. */
  async close(): Promise<void> {
    this.closed = true;
    this.pending = false;
    clearTimeout(this.retryTimer);
    await this.running;
  }

  private start(): void {
    if (this.closed) return;
    if (this.running) {
      this.pending = true;
      return;
    }
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.running = this.runOnce();
  }

  private async runOnce(): Promise<void> {
    let outcome: PassOutcome = 'done';
    try {
      outcome = await this.pass();
    } catch (error) {
      try {
        this.onError(error);
      } catch {
        // Reporting must not stop the scheduler.
      }
    }
    this.running = undefined;
    if (this.pending) {
      this.pending = false;
      this.start();
    } else if (outcome === 'retry' && !this.closed && this.retriesUsed < this.retryDelaysMs.length) {
      const delay = this.retryDelaysMs[this.retriesUsed];
      this.retriesUsed += 1;
      this.retryTimer = setTimeout(() => this.start(), delay);
    }
  }
}
