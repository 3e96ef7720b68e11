/**
 * pingpin.campaign.finalize-list — 核定颁证名单. The last check before certificates are issued
 * (`certificate-issuance` runs over the `approved` it returns): leaves out the applications the HR
 * withdrew when confirming the list (`withdrawnApplications`, recorded as withdrawn), those
 * disqualified for fraud, and anyone with a ban in force today — the person (by the ID number the
 * registry holds for the application) or the enterprise (003 六(四); 002 七(四)) — recording them as
 * disqualified. The rest are recorded as approved. This is how a candidate banned by the
 * `fraud-reported` event subprocess while the main flow ran never gets a certificate.
 * Idempotent.
 */
import { z } from 'zod';
import { actor, bi, idList, loadApplications, setStatusOnce, today } from '../kit/index.js';
import { defineWorker } from '../runtime.js';
import { campaignSchema, enterpriseSchema, FRAUD_BASIS } from './variables.js';

const TYPE = 'pingpin.campaign.finalize-list';

export default defineWorker({
  type: TYPE,
  name: '核定颁证名单',
  description:
    '颁证前核定名单：去掉确定名单时撤回的申报、因弄虚作假被取消资格的申报，以及本人或企业今日处于禁止期的申报（登记为取消资格），其余登记为通过，返回颁证名单 approved。',
  input: z.object({
    campaign: campaignSchema,
    enterprise: enterpriseSchema,
    approved: idList('名单 approved', 'approved').describe('经评审、公示（和人社部门审核）后的名单'),
    withdrawnApplications: idList('撤回的申报 withdrawnApplications', 'withdrawnApplications')
      .nullable()
      .optional()
      .describe('确定名单时撤回的申报（confirm-list 表单）；没有时省略'),
    withdrawalReason: z
      .string({ error: bi('撤回理由 withdrawalReason 应为字符串', 'withdrawalReason must be a string') })
      .nullable()
      .optional()
      .describe('撤回理由（confirm-list 表单）'),
  }),
  output: z.object({
    approved: z.array(z.string()).describe('颁证名单（certificate-issuance 多实例的输入）'),
    excludedApplications: z.array(z.object({ applicationId: z.string(), reason: z.string() })).describe('未列入颁证名单的申报 [{applicationId, reason}]'),
  }),
  async handler({ campaign, enterprise, approved, withdrawnApplications, withdrawalReason }, job, services) {
    const { registry } = services;
    const by = actor(TYPE);
    const asOf = today(services);
    const withdrawn = new Set(withdrawnApplications ?? []);
    const basis = FRAUD_BASIS[campaign.jurisdiction];
    const enterpriseBans = await registry.bans.active({ creditCode: enterprise.creditCode, asOf });
    const apps = await loadApplications(registry, campaign.id, approved, { zh: '名单 approved', en: 'approved' });
    const final: string[] = [];
    const excludedApplications: { applicationId: string; reason: string }[] = [];
    for (const app of apps) {
      if (withdrawn.has(app.id)) {
        const reason = `确定名单时撤回${withdrawalReason ? `：${withdrawalReason}` : ''}`;
        await setStatusOnce(registry, app, 'withdrawn', reason, by);
        excludedApplications.push({ applicationId: app.id, reason });
        continue;
      }
      if (app.status === 'disqualified' || app.status === 'withdrawn' || app.status === 'rejected' || app.status === 'revoked') {
        const last = [...app.history].reverse().find((h) => h.status === app.status);
        excludedApplications.push({ applicationId: app.id, reason: last?.why ?? app.status });
        continue;
      }
      // The clear ID number is read (and the read audited) only to look the person up in the ban list.
      const person = await registry.applications.getWithIdNumber(app.id, `${by}:${job.elementId}`);
      const bans = [...enterpriseBans, ...(await registry.bans.active({ idNumber: person.idNumber, asOf }))];
      if (bans.length > 0) {
        const ban = bans[0]!;
        const reason = `${ban.subject === 'enterprise' ? '申报单位' : '本人'}因弄虚作假被取消评聘资格，禁止期至 ${ban.until}（${basis}）`;
        await setStatusOnce(registry, app, 'disqualified', reason, by);
        excludedApplications.push({ applicationId: app.id, reason });
        continue;
      }
      await setStatusOnce(registry, app, 'approved', '列入颁证名单', by);
      final.push(app.id);
    }
    return { approved: final, excludedApplications };
  },
});
