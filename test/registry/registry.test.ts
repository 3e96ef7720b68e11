import { statSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { KeyMismatchError, openRegistry, ValidationError } from '../../src/registry/index.js';
import { backends, BY, campaign, enterprise, harness, idNumber, rejection } from './support.js';

describe('openRegistry options', () => {
  it('names DATABASE_URL rule when the URL is not PostgreSQL', async () => {
    const err = await rejection(openRegistry({ dataDir: '/tmp/unused', databaseUrl: 'mysql://x@y/z', secret: randomBytes(32) }));
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).issues).toEqual([
      { field: 'databaseUrl', rule: 'must be a PostgreSQL URL postgres://user:password@host:port/database (leave it unset for SQLite in DATA_DIR/registry.db)' },
    ]);
  });
});

describe.each(backends())('registry on $name', (b) => {
  const h = harness(b);

  it('migrates once, keeps its data across a reopen, and records the migration', async () => {
    const { registry, store } = await h.fresh();
    expect(registry.dialect).toBe(b.name);
    const e = await enterprise(registry, 1);
    await registry.close();
    const again = await h.reopen(store);
    expect(await again.enterprises.get(e.creditCode)).toEqual(e);
    const migrations = await h.raw<{ name: string }>(store, 'SELECT name FROM kysely_migration ORDER BY name');
    expect(migrations.map((m) => m.name)).toEqual(['0001_initial', '0002_uploads_appointments', '0003_recognition_levels', '0004_records', '0005_notices', '0006_intake', '0007_task_comments_filters']);
    expect(await again.audit.verify()).toMatchObject({ ok: true, entries: 2 });
  });

  it('refuses a database written with another personal-data key', async () => {
    const { registry, store } = await h.fresh();
    await registry.close();
    const err = await rejection(h.reopen(store, undefined, randomBytes(32).toString('base64')));
    expect(err).toBeInstanceOf(KeyMismatchError);
    expect(err.message).toMatch(/was written with another personal-data key/);
    await h.reopen(store); // the right key still opens it
  });

  it('creates DATA_DIR/registry.key (mode 0600) when no secret is given, and reuses it', async () => {
    const store = h.backend.store();
    const first = await h.reopen(store, undefined, null);
    const person = idNumber(91);
    await first.bans.record({ subject: 'person', idNumber: person, reason: 'x', basis: '003 六(四)', decidedOn: '2026-01-01', by: BY });
    await first.close();
    expect(statSync(join(store.dataDir, 'registry.key')).mode & 0o777).toBe(0o600);
    const second = await h.reopen(store, undefined, null);
    expect(await second.bans.active({ idNumber: person, asOf: '2026-02-01' })).toHaveLength(1);
  });

  it('writes nothing at all when a multi-row write fails half-way', async () => {
    const { registry, store } = await h.fresh();
    const e = await enterprise(registry, 1);
    const cmp = await campaign(registry, e.creditCode);
    // Make the second insert of applications.create (its first history row) fail.
    if (b.name === 'sqlite') {
      await h.raw(store, `CREATE TRIGGER boom BEFORE INSERT ON application_history BEGIN SELECT RAISE(ABORT, 'boom'); END`);
    } else {
      await h.raw(store, `CREATE FUNCTION boom() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'boom'; END $$`);
      await h.raw(store, `CREATE TRIGGER boom BEFORE INSERT ON application_history FOR EACH ROW EXECUTE FUNCTION boom()`);
    }
    const before = await registry.audit.list();
    await expect(registry.applications.create({ campaignId: cmp.id, level: 'T', applicant: { name: '丙', idNumber: idNumber(92) }, by: BY })).rejects.toThrow(/boom/);
    expect(await h.raw(store, 'SELECT id FROM applications')).toEqual([]);
    expect(await registry.audit.list()).toEqual(before);
    expect(await registry.audit.verify()).toMatchObject({ ok: true, entries: before.length });

    await h.raw(store, b.name === 'sqlite' ? 'DROP TRIGGER boom' : 'DROP TRIGGER boom ON application_history');
    const app = await registry.applications.create({ campaignId: cmp.id, level: 'T', applicant: { name: '丙', idNumber: idNumber(92) }, by: BY });
    expect(app.history).toHaveLength(1);
    expect(await registry.audit.verify()).toMatchObject({ ok: true, entries: before.length + 1 });
  });

  it('lets two registries open the same fresh store at once and write through both', async () => {
    const store = h.backend.store();
    const [one, two] = await Promise.all([h.reopen(store), h.reopen(store)]);
    await Promise.all([
      ...Array.from({ length: 20 }, (_, k) => one.certificates.allocateSerial({ evaluatorKey: 'Y000044000123', year: 2026, level: 'T', by: `one:${k}` })),
      ...Array.from({ length: 20 }, (_, k) => two.certificates.allocateSerial({ evaluatorKey: 'Y000044000123', year: 2026, level: 'T', by: `two:${k}` })),
    ]);
    expect(await one.certificates.lastSerial('Y000044000123', 2026, 'T')).toBe(40);
    expect(await two.audit.verify()).toMatchObject({ ok: true, entries: 41 });
  });
});
