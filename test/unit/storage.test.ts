/** A full disk: reported, probed, and UP again by itself; failed writes answer 507 naming where. */
import { describe, expect, it } from 'vitest';
import { StorageMonitor, storageErrorOf } from '../../src/storage.js';
import { problemErrorHandler } from '../../src/server/problem.js';
import pino from 'pino';

const full = () => Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });

describe('storage', () => {
  it('tells a full disk and a failing one from other errors, also when wrapped', () => {
    expect(storageErrorOf(full())).toBe('full');
    expect(storageErrorOf(Object.assign(new Error('x'), { code: 'ENOSPC' }))).toBe('full');
    expect(storageErrorOf(Object.assign(new Error('x'), { code: 'SQLITE_IOERR_WRITE' }))).toBe('io');
    expect(storageErrorOf(new Error('wrapped', { cause: full() }))).toBe('full');
    expect(storageErrorOf(Object.assign(new Error('x'), { code: 'SQLITE_CONSTRAINT' }))).toBeUndefined();
    expect(storageErrorOf('nothing')).toBeUndefined();
  });

  it('is DOWN from the first failed write until a probe write succeeds', () => {
    let diskFull = true;
    const monitor = new StorageMonitor('/data/pingpin', pino({ level: 'silent' }), 60_000, () => {
      if (diskFull) throw Object.assign(new Error('no space left on device'), { code: 'ENOSPC' });
    });
    expect(monitor.state).toEqual({ ok: true });
    expect(monitor.report(new Error('not the disk'))).toBe(false);
    expect(monitor.state.ok).toBe(true);
    expect(monitor.report(full())).toBe(true);
    expect(monitor.state).toMatchObject({ ok: false, reason: 'the disk holding DATA_DIR /data/pingpin is full' });
    expect(monitor.probe().ok).toBe(false);
    diskFull = false;
    expect(monitor.probe()).toEqual({ ok: true });
  });

  it('answers a write that failed for a full disk with 507 naming the data directory', () => {
    const monitor = new StorageMonitor('/data/pingpin', pino({ level: 'silent' }), 60_000, () => {});
    const handler = problemErrorHandler(pino({ level: 'silent' }), monitor);
    const sent: { status?: number; body?: string } = {};
    const res = {
      headersSent: false,
      status(s: number) {
        sent.status = s;
        return this;
      },
      set() {
        return this;
      },
      type() {
        return this;
      },
      send(b: string) {
        sent.body = b;
        return this;
      },
    };
    handler(full(), { originalUrl: '/v2/process-instances', method: 'POST' } as never, res as never, () => {});
    expect(sent.status).toBe(507);
    expect(JSON.parse(sent.body!)).toMatchObject({ title: 'INSUFFICIENT_STORAGE', detail: expect.stringContaining('DATA_DIR /data/pingpin is full') });
    expect(monitor.state.ok).toBe(false);
  });
});
