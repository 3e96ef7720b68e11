/**
 * End to end: `node --import tsx src/cli.ts <command> …` from the project root, stdout parsed as
 * JSON, exit codes 0 (evaluated) and 2 (bad input, JSON on stderr).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeCreditCode, makeId } from './codes-helpers.js';

const ROOT = resolve(import.meta.dirname, '../..');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
  json: any;
  error: any;
}

function pingpin(args: string[], env: Record<string, string | undefined> = {}): Promise<Run> {
  return new Promise((done) => {
    const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
    for (const [k, val] of Object.entries(env)) if (val === undefined) delete childEnv[k];
    execFile(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], { cwd: ROOT, env: childEnv }, (err, stdout, stderr) => {
      const exit = (err as { code?: unknown } | null)?.code;
      const code = err ? (typeof exit === 'number' ? exit : 1) : 0;
      const parse = (s: string): unknown => {
        try {
          return JSON.parse(s);
        } catch {
          return undefined;
        }
      };
      done({ code, stdout, stderr, json: parse(stdout), error: parse(stderr) });
    });
  });
}

const T = 60_000;
const base = { HOLIDAYS_WEEKENDS_ONLY: undefined, HOLIDAYS_DIR: undefined };

const tmpDirs: string[] = [];
afterAll(() => {
  for (const d of tmpDirs) rmSync(d, { recursive: true, force: true });
});
const holidaysDir = (files: Record<string, unknown>): string => {
  const dir = mkdtempSync(join(tmpdir(), 'pingpin-cli-holidays-'));
  tmpDirs.push(dir);
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), typeof content === 'string' ? content : JSON.stringify(content));
  return dir;
};
const FIXTURE_2031 = {
  year: 2031,
  source: 'test fixture (not an official notice)',
  holidays: ['2031-10-01', '2031-10-02', '2031-10-03', '2031-10-04', '2031-10-05', '2031-10-06', '2031-10-07'],
  workdays: ['2031-09-28', '2031-10-11'],
};

describe.concurrent('pingpin publicity-window', () => {
  it(
    'DOMAIN.md §4 example: --start 2026-09-28 --days 5 → ends 2026-10-09T23:59:59+08:00',
    async () => {
      const r = await pingpin(['publicity-window', '--start', '2026-09-28', '--days', '5'], base);
      expect(r.code).toBe(0);
      expect(r.json).toMatchObject({
        startDate: '2026-09-28',
        endDate: '2026-10-09',
        endsAt: '2026-10-09T23:59:59+08:00',
        workdays: ['2026-09-28', '2026-09-29', '2026-09-30', '2026-10-08', '2026-10-09'],
      });
    },
    T,
  );

  it(
    'gives the same answer in a time zone west of UTC (chinese-days’ own functions would not)',
    async () => {
      const r = await pingpin(['publicity-window', '--start', '2026-09-28'], { ...base, TZ: 'America/Los_Angeles' });
      expect(r.code).toBe(0);
      expect(r.json.workdays).toEqual(['2026-09-28', '2026-09-29', '2026-09-30', '2026-10-08', '2026-10-09']);
    },
    T,
  );

  it(
    'Spring Festival 2026: --start 2026-02-13 (default 5 days) → 02-26',
    async () => {
      const r = await pingpin(['publicity-window', '--start', '2026-02-13'], base);
      expect(r.code).toBe(0);
      expect(r.json).toMatchObject({ days: 5, endDate: '2026-02-26', workdays: ['2026-02-13', '2026-02-14', '2026-02-24', '2026-02-25', '2026-02-26'] });
    },
    T,
  );

  it(
    '002 五(一)3 / 003 四(三) / 000 附件3 三(二)1: 公示不少于5个工作日 — --days 4 exits 2 naming the field and the rule',
    async () => {
      const r = await pingpin(['publicity-window', '--start', '2026-09-28', '--days', '4'], base);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.error).toMatchObject({ field: 'days', code: 'publicity.minDays', rule: expect.stringContaining('002 五(一)3') });
      expect(r.error.error).toContain('公示期不少于5个工作日');
    },
    T,
  );

  it(
    '--days that is not a number exits 2',
    async () => {
      const r = await pingpin(['publicity-window', '--start', '2026-09-28', '--days', 'five'], base);
      expect(r.code).toBe(2);
      expect(r.error).toMatchObject({ field: 'days', code: 'publicity.days' });
    },
    T,
  );

  it(
    'an impossible start date exits 2 with field start',
    async () => {
      const r = await pingpin(['publicity-window', '--start', '2026-02-30'], base);
      expect(r.code).toBe(2);
      expect(r.error).toMatchObject({ field: 'start', code: 'calendar.date' });
    },
    T,
  );

  it(
    'DOMAIN.md §4: a year without schedule exits 2 naming config/holidays/<year>.json',
    async () => {
      const r = await pingpin(['publicity-window', '--start', '2031-09-26'], base);
      expect(r.code).toBe(2);
      expect(r.error).toMatchObject({ code: 'calendar.scheduleMissing', field: 'config/holidays/2031.json', year: 2031, file: 'config/holidays/2031.json' });
    },
    T,
  );

  it(
    'DOMAIN.md §4: HOLIDAYS_WEEKENDS_ONLY=true allows the weekends-only fallback, with a warning',
    async () => {
      const r = await pingpin(['publicity-window', '--start', '2031-09-26'], { ...base, HOLIDAYS_WEEKENDS_ONLY: 'true' });
      expect(r.code).toBe(0);
      expect(r.json.workdays).toEqual(['2031-09-26', '2031-09-29', '2031-09-30', '2031-10-01', '2031-10-02']);
      expect(r.json.warnings[0].code).toBe('calendar.weekendsOnly');
      const flag = await pingpin(['publicity-window', '--start', '2031-09-26', '--weekends-only-fallback'], base);
      expect(flag.code).toBe(0);
      expect(flag.json.endDate).toBe('2031-10-02');
    },
    T,
  );

  it(
    'HOLIDAYS_WEEKENDS_ONLY other than true/false exits 2',
    async () => {
      const r = await pingpin(['publicity-window', '--start', '2031-09-26'], { ...base, HOLIDAYS_WEEKENDS_ONLY: 'yes' });
      expect(r.code).toBe(2);
      expect(r.error).toMatchObject({ field: 'HOLIDAYS_WEEKENDS_ONLY' });
    },
    T,
  );

  it(
    'DOMAIN.md §4: with --holidays-dir holding 2031.json the year is computed from the file',
    async () => {
      const dir = holidaysDir({ '2031.json': FIXTURE_2031 });
      const r = await pingpin(['publicity-window', '--start', '2031-09-26', '--holidays-dir', dir], base);
      expect(r.code).toBe(0);
      expect(r.json.workdays).toEqual(['2031-09-26', '2031-09-28', '2031-09-29', '2031-09-30', '2031-10-08']);
      expect(r.json.basis[0]).toMatchObject({ year: 2031, kind: 'config' });
      const viaEnv = await pingpin(['publicity-window', '--start', '2031-09-26'], { ...base, HOLIDAYS_DIR: dir });
      expect(viaEnv.json.endDate).toBe('2031-10-08');
    },
    T,
  );

  it(
    'a malformed schedule file exits 2 naming the file and the entry',
    async () => {
      const dir = holidaysDir({ '2031.json': { ...FIXTURE_2031, workdays: ['2031-09-29'] } });
      const r = await pingpin(['publicity-window', '--start', '2031-09-26', '--holidays-dir', dir], base);
      expect(r.code).toBe(2);
      expect(r.error).toMatchObject({ code: 'calendar.config', field: `${join(dir, '2031.json')}#workdays[0]` });
    },
    T,
  );

  it(
    'unknown options and missing --start are usage errors (exit 2)',
    async () => {
      const unknown = await pingpin(['publicity-window', '--start', '2026-09-28', '--bogus'], base);
      expect(unknown.code).toBe(2);
      expect(unknown.error).toMatchObject({ field: 'bogus', code: 'usage' });
      const missing = await pingpin(['publicity-window', '--days', '5'], base);
      expect(missing.code).toBe(2);
      expect(missing.error).toMatchObject({ field: 'start', code: 'usage' });
    },
    T,
  );

  it(
    'pingpin help publicity-window prints the usage',
    async () => {
      const r = await pingpin(['help', 'publicity-window'], base);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('Usage: pingpin publicity-window --start YYYY-MM-DD');
    },
    T,
  );
});

describe.concurrent('pingpin certificate-code', () => {
  it(
    'DOMAIN.md §3: parse Y000044000123261000001 → valid, parts',
    async () => {
      const r = await pingpin(['certificate-code', 'parse', 'Y000044000123261000001']);
      expect(r.code).toBe(0);
      expect(r.json).toMatchObject({ valid: true, errors: [], parts: { category: 'Y', province: '44', year: 2026, yearCode: '26', level: '1', serial: 1 } });
    },
    T,
  );

  it(
    'DOMAIN.md §3: parse of an invalid code still exits 0 (it was evaluated) with positioned errors',
    async () => {
      const r = await pingpin(['certificate-code', 'parse', 'X000044000123261000001']);
      expect(r.code).toBe(0);
      expect(r.json.valid).toBe(false);
      expect(r.json.errors[0]).toMatchObject({ position: 1, detail: "position 1: expected 'Y' (用人单位) or 'S' (社会培训评价组织), found 'X'" });
    },
    T,
  );

  it(
    'parse without a code, or with two, is a usage error',
    async () => {
      expect((await pingpin(['certificate-code', 'parse'])).error).toMatchObject({ field: 'code', code: 'usage' });
      expect((await pingpin(['certificate-code', 'parse', 'A', 'B'])).code).toBe(2);
      expect((await pingpin(['certificate-code', 'frobnicate'])).error).toMatchObject({ field: 'action' });
    },
    T,
  );

  it(
    '002 五(一)5: format --level T / S; the issue’s example flags give the DOMAIN.md code',
    async () => {
      const r = await pingpin(['certificate-code', 'format', '--category', 'Y', '--evaluator', '0000', '--province', '44', '--site', '000123', '--year', '2026', '--level', '1', '--serial', '1']);
      expect(r.code).toBe(0);
      expect(r.json.code).toBe('Y000044000123261000001');
      const t = await pingpin(['certificate-code', 'format', '--category', 'Y', '--evaluator', '0001', '--province', '51', '--site', '000008', '--year', '2025', '--level', 'T', '--serial', '17']);
      expect(t.json.code).toBe('Y00015100000825T000017');
    },
    T,
  );

  it(
    'format with bad parts exits 2 naming the option, all issues listed',
    async () => {
      const r = await pingpin(['certificate-code', 'format', '--category', 'Y', '--evaluator', '12', '--province', '35', '--site', '000123', '--year', '26', '--level', '1', '--serial', '1']);
      expect(r.code).toBe(2);
      expect(r.error).toMatchObject({ field: 'evaluator', code: 'certificateCode.evaluatorCode' });
      expect(r.error.issues.map((i: { field: string }) => i.field)).toEqual(['evaluatorCode', 'year']);
    },
    T,
  );
});

describe.concurrent('pingpin validate', () => {
  it(
    'GB 11643-1999: id-number valid → masked, exit 0',
    async () => {
      const id = makeId('350102', '19900307', '002');
      const r = await pingpin(['validate', 'id-number', id]);
      expect(r.code).toBe(0);
      expect(r.json).toMatchObject({ kind: 'id-number', valid: true, errors: [], masked: `3501**********${id.slice(14)}` });
      expect(r.stdout).not.toContain(id);
    },
    T,
  );

  it(
    'GB 11643-1999: id-number with a wrong check character → valid false, exit 0',
    async () => {
      const r = await pingpin(['validate', 'id-number', '110105194912310023']);
      expect(r.code).toBe(0);
      expect(r.json.valid).toBe(false);
      expect(r.json.errors[0]).toMatchObject({ code: 'idNumber.checkChar', message: '公民身份号码校验位错误：应为 X，实为 3' });
      expect(r.json.masked).toBeUndefined();
    },
    T,
  );

  it(
    '--today makes the future-birth-date rule reproducible',
    async () => {
      const id = makeId('440305', '20260616', '123');
      expect((await pingpin(['validate', 'id-number', id, '--today', '2026-06-15'])).json.errors[0].code).toBe('idNumber.birthDateFuture');
      expect((await pingpin(['validate', 'id-number', id, '--today', '2026-06-16'])).json.valid).toBe(true);
      expect((await pingpin(['validate', 'id-number', id, '--today', 'tomorrow'])).code).toBe(2);
    },
    T,
  );

  it(
    'GB 32100-2015: credit-code and division-code',
    async () => {
      const cc = await pingpin(['validate', 'credit-code', makeCreditCode('91', '440300', 'MA5F0K3T')]);
      expect(cc.code).toBe(0);
      expect(cc.json).toMatchObject({ valid: true, masked: expect.stringMatching(/^91440300\*{8}..$/) });
      const bad = await pingpin(['validate', 'credit-code', '91110000600037341M']);
      expect(bad.json.errors[0].code).toBe('creditCode.checkChar');
      const div = await pingpin(['validate', 'division-code', '510100']);
      expect(div.json).toMatchObject({ valid: true, info: { level: 'prefecture', province: { name: '四川省' } } });
      expect(div.json.masked).toBeUndefined();
    },
    T,
  );

  it(
    'unknown kind, missing value and --today on other kinds are usage errors (exit 2)',
    async () => {
      expect((await pingpin(['validate', 'passport', 'E1234'])).error).toMatchObject({ field: 'kind', code: 'usage' });
      expect((await pingpin(['validate', 'id-number'])).error).toMatchObject({ field: 'value', code: 'usage' });
      expect((await pingpin(['validate', 'credit-code', '91110000600037341L', '--today', '2026-01-01'])).error).toMatchObject({ field: 'today' });
    },
    T,
  );
});
