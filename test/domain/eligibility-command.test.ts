import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { applicant, cert, honour, LONG_WORK, post, ROOT } from './eligibility-fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'pingpin-eligibility-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const file = (name: string, content: unknown) => {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
};

/** `node --import tsx src/cli.ts eligibility …` from the project root, as a user would run it. */
function pingpin(...args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'eligibility', ...args], {
      cwd: ROOT,
      env: { ...process.env, BPMN_DIR: '' },
      timeout: 60_000,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

const senior = applicant({ certificates: [cert('1', '2014-06-01')], posts: [post('2015-01-01')], workHistory: LONG_WORK });

describe.concurrent('pingpin eligibility', { timeout: 120_000 }, () => {
  it('exit 0 with {eligible, route, basis, priority, flags, reasons, facts} on stdout', async () => {
    const r = await pingpin('--jurisdiction', 'sichuan', '--level', 'S', '--as-of', '2025-06-01', '--file', file('senior.json', senior));
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(Object.keys(out)).toEqual(['eligible', 'route', 'basis', 'priority', 'flags', 'reasons', 'facts']);
    expect(out).toMatchObject({ eligible: true, route: 'exceptional', basis: ['SC-S-1', 'SC-S-X'], flags: ['exceptional-route'], reasons: [] });
    expect(out.facts).toMatchObject({ postYears1: 10, asOf: '2025-06-01' });
  });

  it('exit 0 also when not eligible, with the reasons', async () => {
    const r = await pingpin('--jurisdiction', 'guangdong', '--level', 'S', '--as-of', '2025-06-01', '--file', file('plain.json', applicant()));
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout) as { eligible: boolean; reasons: string[] };
    expect(out.eligible).toBe(false);
    expect(out.reasons[0]).toBe('GD-S-H：未获得技能类人才省级以上表彰（002 四(二)）');
  });

  it('reads bans from --bans', async () => {
    const r = await pingpin('--jurisdiction', 'national', '--level', 'T', '--as-of', '2025-06-01', '--file', file('s.json', senior), '--bans', file('bans.json', { person: { until: '2030-05-01' } }));
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ eligible: false, reasons: ['因弄虚作假被取消评聘资格，禁止期至 2030-05-01'] });
  });

  it('direct route through the command (002 四(三)1)', async () => {
    const r = await pingpin('--jurisdiction', 'guangdong', '--level', 'T', '--as-of', '2025-06-01', '--file', file('d.json', applicant({ honors: [honour('china-skill-award', 'national')] })));
    expect(JSON.parse(r.stdout)).toMatchObject({ eligible: true, route: 'direct', basis: ['GD-D-1'] });
  });

  it('exit 2 with the field path when the record is invalid', async () => {
    const bad = applicant({ certificates: [cert('1', '2014/06/01')] });
    const r = await pingpin('--jurisdiction', 'fujian', '--level', 'T', '--as-of', '2025-06-01', '--file', file('bad.json', bad));
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(JSON.parse(r.stderr)).toMatchObject({
      error: 'certificates[0].obtainedOn: 日期格式应为 YYYY-MM-DD',
      field: 'certificates[0].obtainedOn',
      code: 'date-format',
      rule: 'docs/eligibility.md 申请人记录',
    });
  });

  it('exit 2 listing every issue when there are several', async () => {
    const r = await pingpin('--jurisdiction', 'fujian', '--level', 'T', '--as-of', '2025-06-01', '--file', file('bad2.json', { ...senior, gender: 'x', extra: 1 }));
    expect(r.status).toBe(2);
    const err = JSON.parse(r.stderr) as { issues: { field: string }[] };
    expect(err.issues.map((i) => i.field)).toEqual(['gender', 'extra']);
  });

  it('exit 2 for the national 首席技师: an error, not "ineligible"', async () => {
    const r = await pingpin('--jurisdiction', 'national', '--level', 'S', '--as-of', '2025-06-01', '--file', file('n.json', senior));
    expect(r.status).toBe(2);
    expect(JSON.parse(r.stderr)).toMatchObject({ field: 'level', code: 'national-pilot-defines-T-only' });
  });

  it('exit 2 for bad options, naming the option', async () => {
    const path = file('ok.json', senior);
    const cases: [string[], string][] = [
      [['--jurisdiction', 'beijing', '--level', 'T', '--file', path], 'jurisdiction'],
      [['--jurisdiction', 'sichuan', '--level', 'X', '--file', path], 'level'],
      [['--jurisdiction', 'sichuan', '--level', 'T', '--as-of', '2025-02-30', '--file', path], 'as-of'],
      [['--jurisdiction', 'sichuan', '--level', 'T'], 'file'],
      [['--jurisdiction', 'sichuan', '--level', 'T', '--file', path, '--verbose'], 'verbose'],
      [['--jurisdiction', 'sichuan', '--level', 'T', '--file', join(dir, 'missing.json')], 'file'],
      [['--jurisdiction', 'sichuan', '--level', 'T', '--file', file('broken.json', '{"name": ')], 'file'],
    ];
    const results = await Promise.all(cases.map(([args]) => pingpin(...args)));
    cases.forEach(([args, field], i) => {
      expect(results[i]!.status, args.join(' ')).toBe(2);
      expect(JSON.parse(results[i]!.stderr).field, args.join(' ')).toBe(field);
    });
  });

  it('prints its usage with --help', async () => {
    const r = await pingpin('--help');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('Usage: pingpin eligibility');
  });
});
