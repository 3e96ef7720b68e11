import { describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError, QuotaExceededError, ValidationError } from '../../src/registry/index.js';
import { backends, BY, enterprise, harness, rejection } from './support.js';

describe.each(backends())('Sichuan quotas on $name', (b) => {
  const h = harness(b);

  async function sichuan() {
    const { registry, store } = await h.fresh();
    const e = await enterprise(registry, 1, { divisionCode: '510100' });
    return { registry, store, code: e.creditCode };
  }

  it('reserves up to the quota and no further, with idempotent reserve and release', async () => {
    const { registry, code } = await sichuan();
    const key = { creditCode: code, year: 2026, level: 'T' as const };
    expect(await registry.quotas.set({ ...key, quota: 2, by: 'province-51' })).toMatchObject({ quota: 2, reserved: 0, available: 2 });

    const r1 = await registry.quotas.reserve({ reservationId: 'app-1', ...key, by: BY });
    expect(r1).toMatchObject({ id: 'app-1', status: 'reserved', releasedAt: null });
    expect(await registry.quotas.reserve({ reservationId: 'app-1', ...key, by: BY })).toEqual(r1); // repeated: no second place
    await registry.quotas.reserve({ reservationId: 'app-2', ...key, by: BY });
    expect(await registry.quotas.get(key)).toMatchObject({ reserved: 2, available: 0 });

    const over = await rejection(registry.quotas.reserve({ reservationId: 'app-3', ...key, by: BY }));
    expect(over).toBeInstanceOf(QuotaExceededError);
    expect(over.message).toMatch(/exhausted: 2 of 2 places are reserved/);
    expect(await registry.quotas.reservation('app-3')).toBeUndefined();

    const released = await registry.quotas.release({ reservationId: 'app-1', by: BY });
    expect(released.status).toBe('released');
    expect(await registry.quotas.release({ reservationId: 'app-1', by: BY })).toEqual(released); // repeated: counted once
    expect(await registry.quotas.get(key)).toMatchObject({ reserved: 1, available: 1 });
    await expect(registry.quotas.reserve({ reservationId: 'app-1', ...key, by: BY })).rejects.toThrow(/was released .*use a new reservation id/);
    await expect(registry.quotas.reserve({ reservationId: 'app-2', ...key, level: 'S', by: BY })).rejects.toBeInstanceOf(ConflictError);
    await expect(registry.quotas.release({ reservationId: 'nope', by: BY })).rejects.toBeInstanceOf(NotFoundError);
    await registry.quotas.reserve({ reservationId: 'app-3', ...key, by: BY });

    // The quota cannot go below what is reserved, nor below zero.
    await expect(registry.quotas.set({ ...key, quota: 1, by: BY })).rejects.toThrow(/2 places are already reserved/);
    const negative = await rejection(registry.quotas.set({ ...key, quota: -1, by: BY }));
    expect((negative as ValidationError).issues).toEqual([{ field: 'quota', rule: 'must not be negative' }]);
    expect(await registry.quotas.set({ ...key, quota: 5, by: BY })).toMatchObject({ quota: 5, reserved: 2, available: 3 });
  });

  it('refuses quotas outside Sichuan and reservations without a quota', async () => {
    const { registry, code } = await sichuan();
    const gd = await enterprise(registry, 2);
    await expect(registry.quotas.set({ creditCode: gd.creditCode, year: 2026, level: 'T', quota: 3, by: BY })).rejects.toThrow(/Sichuan \(51\) only/);
    await expect(registry.quotas.reserve({ reservationId: 'a', creditCode: code, year: 2027, level: 'S', by: BY })).rejects.toBeInstanceOf(NotFoundError);
  });

  it('never over-reserves under concurrent reservations', async () => {
    const { registry, code } = await sichuan();
    const key = { creditCode: code, year: 2026, level: 'S' as const };
    await registry.quotas.set({ ...key, quota: 7, by: BY });
    const results = await Promise.allSettled(Array.from({ length: 40 }, (_, k) => registry.quotas.reserve({ reservationId: `app-${k}`, ...key, by: BY })));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(7);
    const failures = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(failures.every((f) => f.reason instanceof QuotaExceededError)).toBe(true);
    expect(await registry.quotas.get(key)).toMatchObject({ reserved: 7, available: 0 });
    // Releases in parallel, each twice: the counter reaches zero and stays there.
    const reserved = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value.id] : []));
    await Promise.all([...reserved, ...reserved].map((id) => registry.quotas.release({ reservationId: id, by: BY })));
    expect(await registry.quotas.get(key)).toMatchObject({ reserved: 0, available: 7 });
  });
});
