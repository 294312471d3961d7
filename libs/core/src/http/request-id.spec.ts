import { newRequestId } from './request-id';

describe('newRequestId', () => {
  it('is a version 7, variant 1 UUID carrying the time in its first 48 bits', () => {
    const now = Date.UTC(2026, 0, 31, 12, 34, 56, 789);
    const id = newRequestId(now);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(parseInt(id.slice(0, 8) + id.slice(9, 13), 16)).toBe(now);
  });

  it('differs between requests in the same millisecond, also across pool refills', () => {
    const now = Date.now();
    const ids = new Set(Array.from({ length: 1000 }, () => newRequestId(now)));
    expect(ids.size).toBe(1000);
  });

  it('sorts by time across milliseconds', () => {
    const earlier = newRequestId(1_700_000_000_000);
    const later = newRequestId(1_700_000_000_001);
    expect(earlier < later).toBe(true);
  });
});
