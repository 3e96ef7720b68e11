/**
 * `pingpin demo` in-process on a temp dir (embedded engine): every campaign runs to its
 * certificates, read back from the registry; the applicants cover every eligibility route; the
 * ineligible and the fraud candidates get none, the fraud candidate is banned; the output is in
 * both languages.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { parseCertificateCode } from '../../src/domain/certificate-code.js';
import { openRegistry, type Registry } from '../../src/registry/index.js';
import { runDemo, type DemoResult } from '../../src/demo/run.js';
import { demoCampaigns } from '../../src/demo/seed.js';
import pino from 'pino';
import { ADMIN_AUTH, TEST_HASH_COST } from '../support/harness.js';
import { AuditLog } from '../../src/identity/audit.js';
import { IdentityStore } from '../../src/identity/store.js';

const PROVINCE = { guangdong: '44', fujian: '35', sichuan: '51', national: '32' } as const;

let dir: string;
let result: DemoResult;
const lines: string[] = [];
let registry: Registry;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pingpin-demo-test-'));
  const env = { ...process.env };
  delete env.CAMUNDA_REST_ADDRESS; // the embedded engine, whatever the developer's shell says
  result = await runDemo({
    hashCost: TEST_HASH_COST, dataDir: join(dir, 'data'), lang: 'both', config: { ...loadConfig(env), resourceDirs: [] }, print: (l) => lines.push(l), idleTimeoutMs: 20_000 });
  // The demo stopped the app; the registry is read back from its data directory as `npm start` would.
  registry = await openRegistry({ dataDir: join(dir, 'data'), logger: pino({ level: 'silent' }), now: () => new Date() });
}, 90_000);

afterAll(async () => {
  await registry?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('pingpin demo', () => {
  it('issues T and S certificates for Guangdong, Fujian and Sichuan and T for the national pilot', async () => {
    const issued = new Set(result.certificates.map((c) => `${c.jurisdiction}-${c.level}`));
    expect([...issued].sort()).toEqual(['fujian-S', 'fujian-T', 'guangdong-S', 'guangdong-T', 'national-T', 'sichuan-S', 'sichuan-T']);
    for (const row of result.certificates) {
      const stored = await registry.certificates.get(row.code);
      expect(stored, row.code).toMatchObject({ status: 'valid', level: row.level, applicationId: row.applicationId });
      const parsed = parseCertificateCode(row.code);
      expect(parsed.valid, row.code).toBe(true);
      expect(parsed.parts).toMatchObject({ level: row.level, province: PROVINCE[row.jurisdiction as keyof typeof PROVINCE], category: 'Y' });
      expect(await registry.nationalUploads.get(row.code)).toBeDefined();
    }
    // Fujian's enterprises are filed with MOHRSS (000 附件3 一(一)): their codes carry the MOHRSS evaluator code.
    for (const row of result.certificates.filter((c) => c.jurisdiction === 'fujian')) expect(parseCertificateCode(row.code).parts!.filedWith).toBe('mohrss');
  });

  it('takes every eligibility route of every jurisdiction, and the ineligible and fraud candidates get no certificate', async () => {
    const expected = demoCampaigns().flatMap((c) => c.candidates.flatMap((a) => a.expectedBasis));
    for (const route of ['NAT-T-2', 'GD-T-1', 'GD-T-2', 'GD-T-3', 'GD-D-1', 'GD-S-1', 'GD-S-2', 'GD-S-3', 'GD-D-2', 'FJ-T-2', 'FJ-S-2', 'FJ-D-1', 'FJ-D-2', 'SC-T-2', 'SC-S-T', 'SC-S-X']) {
      expect(expected).toContain(route);
    }
    for (const c of result.candidates) {
      for (const code of c.expectedBasis) expect(c.basis, `${c.name} ${c.campaign}`).toContain(code);
      const app = await registry.applications.get(c.applicationId);
      if (c.role === 'ineligible') {
        expect(app).toMatchObject({ status: 'ineligible', eligibility: { eligible: false } });
        expect(await registry.certificates.byApplication(c.applicationId)).toBeUndefined();
      } else if (c.role === 'fraud') {
        expect(app!.status).toBe('disqualified');
        expect(await registry.certificates.byApplication(c.applicationId)).toBeUndefined();
        expect(c.banned).toBe(true);
      } else {
        // The objection was dismissed, so that candidate is appointed like the others.
        expect(app!.status, c.name).toBe('appointed');
        expect(c.certificateCode).toBe((await registry.certificates.byApplication(c.applicationId))!.code);
      }
    }
    const fraud = demoCampaigns().flatMap((c) => c.candidates).find((a) => a.role === 'fraud')!;
    const bans = await registry.bans.active({ idNumber: fraud.idNumber, asOf: result.finishedOn });
    expect(bans).toEqual([expect.objectContaining({ subject: 'person', basis: '003 六(四)', effect: 'banned' })]);
    expect(result.candidates.filter((c) => c.role === 'ineligible')).toHaveLength(1);
    expect(result.candidates.filter((c) => c.role === 'fraud')).toHaveLength(1);
  });

  it('shows the objection, Fujian’s 内督小组 and supervision, Guangdong’s city/province split and Sichuan’s quota and management periods', () => {
    const out = lines.join('\n');
    expect(out).toMatch(/\[广东·特级技师\].*异议不成立（驳回）/);
    expect(out).toMatch(/\[福建·特级技师\].*内督小组全程监督/);
    expect(out).toMatch(/\[福建·首席技师\].*省级人社部门督导/);
    expect(out).toMatch(/\[广东·特级技师\].*市级审核/);
    expect(out).not.toMatch(/\[广东·特级技师\].*省级审核/);
    expect(out).toMatch(/\[广东·首席技师\].*省级审核/);
    expect(out).toMatch(/\[广东·首席技师\].*首席技师名单公示/);
    expect(out).toMatch(/\[四川·特级技师\].*推荐名额 2 个/);
    expect(out).toMatch(/\[四川·特级技师\].*进入三年管理期 \d{4}-\d{2}-01 至/);
    expect(out).toMatch(/\[国家试点·特级技师\].*资格判定.*赵志远 不符合条件/);
    expect(out).toMatch(/\[国家试点·特级技师\].*吴文涛 被取消评聘资格/);
  });

  it('answers “who did this” for every change: each task by its own clerk, each job by the workers on behalf of that clerk', async () => {
    const store = new IdentityStore(join(dir, 'data', 'identity.db'));
    try {
      const audit = new AuditLog(store);
      expect(audit.verify()).toMatchObject({ ok: true });
      const all = async (filter: Record<string, unknown>) => {
        const items: Array<Record<string, any>> = [];
        for (let from = 0; ; from += 1000) {
          const page = audit.search({ filter, page: { from, limit: 1000 } }).items as Array<Record<string, any>>;
          items.push(...page);
          if (page.length < 1000) return items;
        }
      };
      const completions = await all({ entityType: 'USER_TASK', operationType: 'COMPLETE' });
      expect(completions.length).toBeGreaterThan(100);
      for (const c of completions) {
        expect(c, JSON.stringify(c)).toMatchObject({ actorType: 'USER', status: 204, result: 'SUCCESS', userTaskKey: expect.any(String) });
        // A clerk of a candidate group or an expert: never the administrator, the operator or a service account.
        expect(c.actorId, JSON.stringify(c)).toMatch(/^(hr|panel|oversight)_[0-9A-Z]{18}$|^city_\d{6}$|^province_\d{2}$|^expert\.[a-z]+$/);
      }
      const starts = await all({ entityType: 'PROCESS_INSTANCE', operationType: 'CREATE' });
      expect(starts.map((s) => s.actorId)).toEqual(expect.arrayContaining([expect.stringMatching(/^hr_/)]));
      for (const s of starts) expect(s.actorId).toMatch(/^hr_/);
      const jobs = await all({ entityType: 'JOB', operationType: 'COMPLETE' });
      expect(jobs.length).toBeGreaterThan(100);
      for (const j of jobs) expect(j).toMatchObject({ actorId: 'pingpin_worker', actorType: 'CLIENT', status: 204 });
      const messages = await all({ entityType: 'MESSAGE' });
      expect(messages.map((m) => m.actorId)).toContain('public_channel');
      expect((await all({ actorId: 'admin' })).every((e) => ['USER', 'GROUP', 'ROLE', 'AUTHORIZATION'].includes(e.entityType))).toBe(true);
      expect(await all({ result: 'FAIL' })).toEqual([]);
    } finally {
      store.close();
    }
    // The registry's own trail names the clerk next to the worker that wrote after their task.
    const entries: Awaited<ReturnType<typeof registry.audit.list>> = [];
    for (let batch = await registry.audit.list({ limit: 10_000 }); batch.length > 0; batch = await registry.audit.list({ limit: 10_000, afterSeq: batch.at(-1)!.seq })) {
      entries.push(...batch);
    }
    const onBehalf = entries.filter((e) => typeof e.details.onBehalfOf === 'string');
    expect(onBehalf.length).toBeGreaterThan(50);
    expect(onBehalf.some((e) => /^city_\d{6}$/.test(String(e.details.onBehalfOf)))).toBe(true);
    expect(onBehalf.some((e) => /^hr_/.test(String(e.details.onBehalfOf)))).toBe(true);
  });

  it('prints every step in Chinese and English, with the actor', () => {
    const steps = lines.filter((l) => l.startsWith('['));
    expect(steps.length).toBeGreaterThan(50);
    for (const l of steps) expect(l, l).toMatch(/^\[[^\]]+\] .+ \/ \[[A-Za-z ]+·[TS]\] /);
    expect(lines.join('\n')).toContain('企业人力资源部（enterprise-');
    expect(lines.join('\n')).toContain('enterprise HR (enterprise-');
    expect(lines.join('\n')).toMatch(/人社局（city-\d{6}）/);
    // Camunda 8.8 group ids (DOMAIN.md §6): the retired `enterprise:…:hr` / `city:…` forms are gone.
    expect(lines.join('\n')).not.toMatch(/\b(enterprise|city|province):[0-9A-Z]/);
    expect(lines.some((l) => l.includes('证书编码/certificate code'))).toBe(true);
    for (const c of result.certificates) expect(lines.some((l) => l.includes(c.code) && l.includes(c.nameMasked))).toBe(true);
  });
});

describe('pingpin demo stops on an incident', () => {
  it('quotes the incident in both languages', async () => {
    const { startProcessHarness } = await import('../support/process.js');
    const { Clerk, DemoError, Rest } = await import('../../src/demo/clerk.js');
    const { runCampaign } = await import('../../src/demo/scenarios.js');
    const h = await startProcessHarness({ pinnedAt: '2026-04-15T09:00:00+08:00' });
    try {
      const seed = demoCampaigns()[0]!;
      const clerk = new Clerk(new Rest({ baseUrl: h.url, headers: () => ({ authorization: ADMIN_AUTH }) }), () => h.now().getTime());
      const ctx = { clerk, clock: { now: () => h.now().getTime(), advanceTo: async (ms: number) => void (await h.advanceClock(new Date(ms).toISOString())) }, registry: h.registry, say: () => {}, idleTimeoutMs: 5_000 };
      // A campaign the registry does not know: pingpin.campaign.open fails without retries.
      const err = await runCampaign(ctx, { ...seed, campaignId: 'no-such-campaign', applications: [] }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(DemoError);
      expect((err as InstanceType<typeof DemoError>).zh).toMatch(/流程出现事件（incident），演示停止：[\s\S]*open-campaign \(JOB_NO_RETRIES\)[\s\S]*no-such-campaign/);
      expect((err as InstanceType<typeof DemoError>).en).toContain('the process has an incident; the demo stops');
    } finally {
      await h.stop();
    }
  }, 30_000);
});
