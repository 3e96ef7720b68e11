/**
 * pingpin.campaign.register-candidates — 登记参评人员. Takes every application of the campaign at
 * the process's level that is still waiting (`submitted`, or `in-review` after a redelivery), marks it
 * `in-review`, and returns `applications` (their ids, in the order they were filed) and `candidates`
 * (what forms show: name, masked ID number, occupation). Applications withdrawn or disqualified
 * before the review are left out. Serves appraisals (T / S) and direct-recognition rounds (5…1, with
 * `campaign.level` the plan's level); `campaign.kind` says which. Idempotent.
 */
import { z } from 'zod';
import { actor, setStatusOnce } from '../kit/index.js';
import { defineWorker } from '../runtime.js';
import { campaignOfAnyKindSchema } from './variables.js';

const TYPE = 'pingpin.campaign.register-candidates';

export default defineWorker({
  type: TYPE,
  name: '登记参评人员',
  description:
    '从登记系统取出本评聘活动本等级待评审的申报（已提交），置为“评审中”，返回参评申报编号 applications 和供表单显示的 candidates（姓名、脱敏身份证号、职业）。',
  input: z.object({ campaign: campaignOfAnyKindSchema({ level: 'required' }) }),
  output: z.object({
    applications: z.array(z.string()).describe('参评申报编号列表（按申报先后）'),
    candidates: z.array(z.object({ applicationId: z.string(), name: z.string(), idNumberMasked: z.string(), occupation: z.object({ code: z.string(), name: z.string() }).nullable() })).describe('参评人员 [{applicationId, name, idNumberMasked, occupation {code, name}}]，供表单显示'),
    candidateCount: z.number().describe('参评人数'),
  }),
  async handler({ campaign }, _job, { registry }) {
    const all = await registry.applications.list({ campaignId: campaign.id });
    const taking = all.filter((a) => a.level === campaign.level && (a.status === 'submitted' || a.status === 'in-review'));
    const candidates = [];
    for (const app of taking) {
      await setStatusOnce(registry, app, 'in-review', '登记为参评人员', actor(TYPE));
      const occupation = app.applicant.occupation as { code?: unknown; name?: unknown } | undefined;
      candidates.push({
        applicationId: app.id,
        name: app.applicant.name,
        idNumberMasked: app.applicant.idNumber,
        occupation: occupation && typeof occupation === 'object' ? { code: String(occupation.code ?? ''), name: String(occupation.name ?? '') } : null,
      });
    }
    return { applications: taking.map((a) => a.id), candidates, candidateCount: taking.length };
  },
});
