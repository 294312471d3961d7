import { PassOutcome, PassScheduler } from './pass-scheduler';

/** A pass the test ends by hand, counting how many were started. */
function controlledPasses() {
  const ends: ((outcome: PassOutcome) => void)[] = [];
  return {
    started: () => ends.length,
    pass: () => new Promise<PassOutcome>((resolve) => ends.push(resolve)),
    end: async (index: number, outcome: PassOutcome = 'done') => {
      ends[index](outcome);
      // Let the scheduler see the end (its continuation is a few microtasks away).
      for (let i = 0; i < 5; i += 1) await Promise.resolve();
    },
  };
}

describe('PassScheduler', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('runs one pass at a time, and requests during a pass add exactly one more', async () => {
    const passes = controlledPasses();
    const scheduler = new PassScheduler(passes.pass, [], () => undefined);
    scheduler.request();
    scheduler.request();
    scheduler.request();
    expect(passes.started()).toBe(1);
    await passes.end(0);
    expect(passes.started()).toBe(2);
    await passes.end(1);
    expect(passes.started()).toBe(2);
    scheduler.request();
    expect(passes.started()).toBe(3);
    await passes.end(2);
    await scheduler.close();
  });

  it('passes again after each retry delay while a pass answers retry, then stops', async () => {
    const passes = controlledPasses();
    const scheduler = new PassScheduler(passes.pass, [20, 50], () => undefined);
    scheduler.request();
    await passes.end(0, 'retry');
    jest.advanceTimersByTime(19);
    expect(passes.started()).toBe(1);
    jest.advanceTimersByTime(1);
    expect(passes.started()).toBe(2);
    await passes.end(1, 'retry');
    jest.advanceTimersByTime(50);
    expect(passes.started()).toBe(3);
    await passes.end(2, 'retry'); // retries used up: the cron's turn
    jest.advanceTimersByTime(10_000);
    expect(passes.started()).toBe(3);
    // A new request starts the series over.
    scheduler.request();
    await passes.end(3, 'retry');
    jest.advanceTimersByTime(20);
    expect(passes.started()).toBe(5);
    await passes.end(4);
    await scheduler.close();
  });

  it('reports a failed pass and keeps serving requests', async () => {
    const errors: unknown[] = [];
    let calls = 0;
    const scheduler = new PassScheduler(
      () => (calls++ === 0 ? Promise.reject(new Error('database away')) : Promise.resolve('done')),
      [20],
      (error) => errors.push(error),
    );
    scheduler.request();
    for (let i = 0; i < 5; i += 1) await Promise.resolve();
    expect(errors).toEqual([new Error('database away')]);
    scheduler.request();
    await scheduler.close();
    expect(calls).toBe(2);
    expect(errors).toHaveLength(1);
  });

  it('runs nothing once closed, and close waits for the running pass', async () => {
    const passes = controlledPasses();
    const scheduler = new PassScheduler(passes.pass, [20], () => undefined);
    scheduler.request();
    scheduler.request();
    let closed = false;
    const closing = scheduler.close().then(() => (closed = true));
    await Promise.resolve();
    expect(closed).toBe(false);
    await passes.end(0, 'retry');
    await closing;
    scheduler.request();
    jest.advanceTimersByTime(1000);
    expect(passes.started()).toBe(1);
  });
});
