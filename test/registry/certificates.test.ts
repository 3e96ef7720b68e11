import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError, SerialExhaustedError, ValidationError } from '../../src/registry/index.js';
import { backends, BY, enterprise, filedEnterprise, harness, idNumber, rejection, runChild } from './support.js';

const LATHE = { code: '6-18-01-01', name: '车工' };
const KEY = { category: 'Y', evaluatorCode: '0000', province: '44', siteSerial: '000123' } as const;

describe.each(backends())('certificates and serials on $name', (b) => {
  const h = harness(b);

  it('issues certificates with 22-character codes and consecutive serials', async () => {
    const { registry, store } = await h.fresh();
    const e = await filedEnterprise(registry, 1);
    const holder = { name: '周九', idNumber: idNumber(51, '19700101') };
    const first = await registry.certificates.issue({ creditCode: e.creditCode, level: 'T', occupation: LATHE, holder, issuedOn: '2026-06-01', by: 'worker:issue' });
    expect(first).toMatchObject({
      code: 'Y00004400012326T000001',
      holderName: '周九',
      idNumber: `${holder.idNumber.slice(0, 4)}**********${holder.idNumber.slice(14)}`,
      level: 'T',
      occupation: LATHE,
      evaluator: { creditCode: e.creditCode, evaluatorKey: 'Y000044000123' },
      year: 2026,
      serial: 1,
      issuedOn: '2026-06-01',
      status: 'valid',
    });
    expect(first.code).toHaveLength(22);
    const second = await registry.certificates.issue({ creditCode: e.creditCode, level: 'T', occupation: LATHE, holder: { name: '吴十', idNumber: idNumber(52) }, issuedOn: '2026-06-01', by: BY });
    const chief = await registry.certificates.issue({ creditCode: e.creditCode, level: 'S', occupation: LATHE, holder, issuedOn: '2026-06-02', by: BY });
    const nextYear = await registry.certificates.issue({ creditCode: e.creditCode, level: 'T', occupation: LATHE, holder, issuedOn: '2027-01-05', by: BY });
    expect([second.code, chief.code, nextYear.code]).toEqual(['Y00004400012326T000002', 'Y00004400012326S000001', 'Y00004400012327T000001']);

    // Public reads are masked; the table holds no clear number; the privileged read is audited.
    expect(await registry.certificates.get(first.code.toLowerCase())).toEqual(first);
    expect((await registry.certificates.findByHolder(holder.idNumber)).map((c) => c.code)).toEqual([first.code, chief.code, nextYear.code]);
    expect(JSON.stringify(await h.raw(store, 'SELECT * FROM certificates'))).not.toContain(holder.idNumber);
    const privileged = await registry.certificates.getWithIdNumber(first.code, 'worker:national-upload');
    expect(privileged).toMatchObject({ code: first.code, idNumber: holder.idNumber, idNumberMasked: first.idNumber });
    const audit = await registry.audit.list({ entityType: 'certificate', entityId: first.code });
    expect(audit.map((a) => [a.action, a.actor])).toEqual([
      ['certificate.issued', 'worker:issue'],
      ['certificate.id-number-read', 'worker:national-upload'],
    ]);
    expect(JSON.stringify(await registry.audit.list())).not.toContain(holder.idNumber);
    await expect(registry.certificates.getWithIdNumber('Y00004400012326T999999', BY)).rejects.toBeInstanceOf(NotFoundError);

    const revoked = await registry.certificates.revoke({ code: first.code, reason: '管理期考核不合格（001 附件4 第七条）', revokedOn: '2027-03-01', by: 'province-51' });
    expect(revoked).toMatchObject({ status: 'revoked', revokedOn: '2027-03-01', revokedReason: '管理期考核不合格（001 附件4 第七条）' });
    await expect(registry.certificates.revoke({ code: first.code, reason: 'again', revokedOn: '2027-03-02', by: BY })).rejects.toBeInstanceOf(ConflictError);
    await expect(registry.certificates.revoke({ code: second.code, reason: 'x', revokedOn: '2026-05-01', by: BY })).rejects.toThrow(/revokedOn: must not be before the issue date/);
  });

  it('refuses to issue without an active filing, and validates the input', async () => {
    const { registry } = await h.fresh();
    const unfiled = await enterprise(registry, 2);
    const holder = { name: '郑一', idNumber: idNumber(53) };
    await expect(registry.certificates.issue({ creditCode: unfiled.creditCode, level: 'T', occupation: LATHE, holder, issuedOn: '2026-06-01', by: BY })).rejects.toThrow(/has no evaluator filing for level T/);
    const e = await filedEnterprise(registry, 1);
    await registry.enterprises.setFilingStatus({ creditCode: e.creditCode, level: 'S', status: 'suspended', by: BY });
    await expect(registry.certificates.issue({ creditCode: e.creditCode, level: 'S', occupation: LATHE, holder, issuedOn: '2026-06-01', by: BY })).rejects.toThrow(/filing for level S is suspended/);
    await expect(registry.certificates.issue({ creditCode: e.creditCode, level: 'T', occupation: LATHE, holder, issuedOn: '2024-12-31', by: BY })).rejects.toThrow(/issuedOn: must not be before the evaluator filing/);
    const bad = await rejection(
      registry.certificates.issue({ creditCode: e.creditCode, level: 'X' as never, occupation: { code: 'lathe', name: '' }, holder: { name: 'x', idNumber: '123' }, issuedOn: '2026-6-1', by: BY }),
    );
    expect((bad as ValidationError).issues.map((i) => i.field).sort()).toEqual(['holder.idNumber', 'issuedOn', 'level', 'occupation.code', 'occupation.name']);
    expect(await registry.certificates.lastSerial('Y000044000123', 2026, 'T')).toBe(0);
  });

  it('allocates serials per (evaluator, year, level) and fails clearly after 999999', async () => {
    const { registry, store } = await h.fresh();
    expect(await registry.certificates.allocateSerial({ evaluatorKey: KEY, year: 2026, level: '1', by: BY })).toEqual({ evaluatorKey: 'Y000044000123', year: 2026, level: '1', serial: 1 });
    expect((await registry.certificates.allocateSerial({ evaluatorKey: 'Y000044000123', year: 2026, level: '1', by: BY })).serial).toBe(2);
    expect((await registry.certificates.allocateSerial({ evaluatorKey: KEY, year: 2026, level: '2', by: BY })).serial).toBe(1);
    expect((await registry.certificates.allocateSerial({ evaluatorKey: KEY, year: 2027, level: '1', by: BY })).serial).toBe(1);
    expect((await registry.certificates.allocateSerial({ evaluatorKey: { ...KEY, siteSerial: '000124' }, year: 2026, level: '1', by: BY })).serial).toBe(1);
    const bad = await rejection(registry.certificates.allocateSerial({ evaluatorKey: { ...KEY, evaluatorCode: '12' }, year: 1999, level: 'Q' as never, by: BY }));
    expect(bad).toBeInstanceOf(ValidationError);
    expect((bad as ValidationError).issues.map((i) => i.field).sort()).toEqual(['evaluatorKey.evaluatorCode', 'level', 'year']);
    const notAKey = await rejection(registry.certificates.allocateSerial({ evaluatorKey: 42 as never, year: 2026, level: '1', by: BY }));
    expect((notAKey as ValidationError).issues).toEqual([{ field: 'evaluatorKey', rule: 'must be {category, evaluatorCode, province, siteSerial} or the 13-character key' }]);
    const shortKey = await rejection(registry.certificates.allocateSerial({ evaluatorKey: 'Y0000', year: 2026, level: '1', by: BY }));
    expect((shortKey as ValidationError).issues).toEqual([{ field: 'evaluatorKey', rule: 'must be an evaluator key: Y or S and 12 digits' }]);

    await h.raw(store, `UPDATE serial_counters SET last_serial = 999998 WHERE evaluator_key = 'Y000044000123' AND year = 2026 AND level = '1'`);
    expect((await registry.certificates.allocateSerial({ evaluatorKey: KEY, year: 2026, level: '1', by: BY })).serial).toBe(999999);
    const exhausted = await rejection(registry.certificates.allocateSerial({ evaluatorKey: KEY, year: 2026, level: '1', by: BY }));
    expect(exhausted).toBeInstanceOf(SerialExhaustedError);
    expect(exhausted.message).toMatch(/evaluator Y000044000123: all 999999 certificate serials for year 2026, level 1 are used/);
    expect(await registry.certificates.lastSerial('Y000044000123', 2026, '1')).toBe(999999);

    // certificates.issue rolls back whole when the serials are used up: no certificate, no audit entry.
    const e = await filedEnterprise(registry, 1);
    await registry.certificates.issue({ creditCode: e.creditCode, level: 'T', occupation: LATHE, holder: { name: 'a', idNumber: idNumber(54) }, issuedOn: '2026-06-01', by: BY });
    await h.raw(store, `UPDATE serial_counters SET last_serial = 999999 WHERE evaluator_key = 'Y000044000123' AND year = 2026 AND level = 'T'`);
    const before = (await registry.audit.list({ limit: 10_000 })).length;
    await expect(
      registry.certificates.issue({ creditCode: e.creditCode, level: 'T', occupation: LATHE, holder: { name: 'b', idNumber: idNumber(55) }, issuedOn: '2026-06-01', by: BY }),
    ).rejects.toBeInstanceOf(SerialExhaustedError);
    expect((await registry.audit.list({ limit: 10_000 })).length).toBe(before);
    expect(await registry.certificates.findByHolder(idNumber(55))).toEqual([]);
  });

  it('hands out 250 parallel allocations without a duplicate or a gap', async () => {
    const { registry } = await h.fresh();
    const serials = await Promise.all(Array.from({ length: 250 }, () => registry.certificates.allocateSerial({ evaluatorKey: KEY, year: 2026, level: 'T', by: BY }).then((s) => s.serial)));
    expect([...serials].sort((x, y) => x - y)).toEqual(Array.from({ length: 250 }, (_, k) => k + 1));
    expect(await registry.certificates.lastSerial('Y000044000123', 2026, 'T')).toBe(250);
    expect((await registry.audit.verify()).ok).toBe(true);
  });

  it('never duplicates a serial across processes allocating at the same time', async () => {
    const { registry, store } = await h.fresh();
    const go = join(store.dataDir, 'go');
    const task = { kind: 'allocate', count: 60, evaluatorKey: KEY, year: 2026, level: 'S', start: go };
    let ready = 0;
    let allReady!: () => void;
    const readyPromise = new Promise<void>((r) => (allReady = r));
    const children = Array.from({ length: 4 }, () =>
      runChild(store, task, (line) => {
        if (line === 'ready' && ++ready === 4) allReady();
      }),
    );
    await readyPromise;
    writeFileSync(go, '');
    const mine = await Promise.all(Array.from({ length: 60 }, () => registry.certificates.allocateSerial({ evaluatorKey: KEY, year: 2026, level: 'S', by: 'parent' }).then((s) => s.serial)));
    const results = await Promise.all(children);
    for (const r of results) expect(r.code, r.stderr).toBe(0);
    const theirs = results.flatMap((r) => r.lines.filter((l) => l.startsWith('serial ')).map((l) => Number(l.slice(7))));
    expect(theirs).toHaveLength(240);
    const all = [...mine, ...theirs].sort((x, y) => x - y);
    expect(all).toEqual(Array.from({ length: 300 }, (_, k) => k + 1));
    expect(await registry.certificates.lastSerial('Y000044000123', 2026, 'S')).toBe(300);
    expect(await registry.audit.verify()).toMatchObject({ ok: true });
  }, 60_000);

  it('keeps the counter equal to the certificates issued when the issuing process is killed', async () => {
    const { registry, store } = await h.fresh();
    const e = await filedEnterprise(registry, 1);
    await registry.close();
    const printed: number[] = [];
    const result = await runChild(store, { kind: 'issue-loop', creditCode: e.creditCode, level: 'T', idNumbers: [idNumber(61), idNumber(62), idNumber(63)] }, (line, kill) => {
      if (line.startsWith('serial ')) {
        printed.push(Number(line.slice(7)));
        if (printed.length === 40) kill();
      }
    });
    expect(result.signal, result.stderr).toBe('SIGKILL');

    const reopened = await h.reopen(store);
    const rows = await h.raw<{ code: string; serial: number }>(store, `SELECT code, serial FROM certificates WHERE evaluator_key = 'Y000044000123' AND year = 2026 AND level = 'T' ORDER BY serial`);
    const serials = rows.map((r) => Number(r.serial));
    const n = serials.length;
    expect(n).toBeGreaterThanOrEqual(printed.length); // every printed serial committed; perhaps one more
    expect(serials).toEqual(Array.from({ length: n }, (_, k) => k + 1)); // no duplicate, no gap
    expect(new Set(rows.map((r) => r.code)).size).toBe(n);
    expect(await reopened.certificates.lastSerial('Y000044000123', 2026, 'T')).toBe(n); // counter consistent
    expect(await reopened.audit.verify()).toMatchObject({ ok: true });

    // And it goes on from there.
    const next = await reopened.certificates.issue({ creditCode: e.creditCode, level: 'T', occupation: LATHE, holder: { name: 'x', idNumber: idNumber(64) }, issuedOn: '2026-06-02', by: BY });
    expect(next.serial).toBe(n + 1);
  }, 60_000);
});
