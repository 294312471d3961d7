import { nextAttemptAt, retryDelayMs } from './retry-schedule';

const policy = { retryFirstDelaySeconds: 10, retryMaxDelaySeconds: 7_200 };

describe('retry schedule', () => {
  it('doubles the wait per failure up to the maximum, with half of it random', () => {
    const lowest = (n: number) => retryDelayMs(n, policy, () => 0);
    const highest = (n: number) => retryDelayMs(n, policy, () => 1);
    expect([1, 2, 3, 4].map(highest)).toEqual([10_000, 20_000, 40_000, 80_000]);
    expect([1, 2, 3, 4].map(lowest)).toEqual([5_000, 10_000, 20_000, 40_000]);
    expect(highest(10)).toBe(5_120_000);
    expect(highest(11)).toBe(7_200_000);
    expect(highest(500)).toBe(7_200_000);
    expect(retryDelayMs(3, policy, () => 0.5)).toBe(30_000);
  });

  it('retries for the whole period, the last attempt at its end, then stops', () => {
    const start = new Date('2026-01-01T00:00:00Z');
    const retryUntil = new Date(start.getTime() + 86_400_000);
    let now = start;
    const attempts: Date[] = [];
    for (let failed = 1; failed < 100; failed++) {
      const next = nextAttemptAt(now, failed, retryUntil, policy, () => 1);
      if (!next) break;
      attempts.push(next);
      now = next;
    }
    expect(attempts.at(-1)).toEqual(retryUntil);
    // 10 growing waits (10 s … 85 min, 2.8 h in all), then 2 h each, the last cut to the day's end.
    expect(attempts).toHaveLength(21);
    for (let i = 1; i < attempts.length; i++) expect(attempts[i] > attempts[i - 1]).toBe(true);
    expect(nextAttemptAt(retryUntil, 23, retryUntil, policy)).toBeNull();
  });
});
