/**
 * pingpin.recognition.report — 报送直接认定评价数据. The last step of `direct-recognition` (001 附件2
 * 四: 直接认定结果经单位公示后，按规定颁发证书、任职聘用，并将直接认定的评价数据同步报送备案地职业技能鉴定中心):
 * assembles the recognition data of the round — who was recognized at which level, with which
 * certificate, scores and conditions — addressed to the skills center of the place where the plan was
 * filed (the city HRSS that filed it), and records the submission.
 *
 * There is no interface to the skills centers yet (as there is for the national certificate query
 * system), and the registry has no table for such submissions: the submission is recorded on each
 * reported application's history (and so in the registry's audit trail) with the report's id, and
 * returned as `recognitionReport`. Idempotent: an application already reported under this report id
 * is not recorded again.
 */
import { z } from 'zod';
import { actor, bi, idString, registryCall, today } from '../campaign/shared.js';
import { defineWorker } from '../runtime.js';
import { LEVEL_NAMES, levelSchema } from './shared.js';

const TYPE = 'pingpin.recognition.report';

const outcome = z.looseObject({
  applicationId: z.string({ error: bi('认定结果的申报编号 recognitionOutcomes[].applicationId 应为字符串', 'recognitionOutcomes[].applicationId must be a string') }),
  recognized: z.boolean({ error: bi('认定结果 recognitionOutcomes[].recognized 应为 true 或 false', 'recognitionOutcomes[].recognized must be true or false') }),
  combinedScore: z.number().nullable().optional(),
  conditionsMet: z.array(z.string()).optional(),
});

export const recognitionReportWorker = defineWorker({
  type: TYPE,
  name: '报送直接认定评价数据',
  description:
    '颁证聘任后，将本轮直接认定的评价数据（认定人员、等级、证书编码、评分、满足的条件）报送备案地职业技能鉴定中心（001 附件2 四）；报送记录写入每名人员的申报记录（登记系统审计链），重复执行不重复报送。',
  input: z.object({
    campaign: z.looseObject({ id: idString('直接认定编号 campaign.id', 'campaign.id'), year: z.number().optional() }, { error: bi('缺少 campaign（由“开启直接认定”设置）', 'campaign is missing') }).describe('本轮直接认定 {id, year}'),
    enterprise: z
      .looseObject(
        { creditCode: idString('实施单位统一社会信用代码 enterprise.creditCode', 'enterprise.creditCode'), name: z.string().optional(), divisionCode: z.string().regex(/^\d{6}$/, { error: bi('行政区划代码 enterprise.divisionCode 应为 6 位数字', 'enterprise.divisionCode must be 6 digits') }) },
        { error: bi('缺少实施单位 enterprise', 'enterprise is missing') },
      )
      .describe('实施单位 {creditCode, name, divisionCode}'),
    level: levelSchema,
    certificates: z
      .array(
        z.looseObject({
          applicationId: idString('证书的申报编号 certificates[].applicationId', 'certificates[].applicationId'),
          certificateCode: idString('证书编码 certificates[].certificateCode', 'certificates[].certificateCode'),
        }),
        { error: bi('颁发的证书 certificates 应为列表（颁证多实例的输出）', 'certificates must be a list (the output of certificate-issuance)') },
      )
      .describe('颁发的证书 [{applicationId, certificateCode}]'),
    recognitionOutcomes: z.array(outcome, { error: bi('认定结果 recognitionOutcomes 应为列表', 'recognitionOutcomes must be a list') }).describe('逐人认定结果（登记直接认定结果的多实例输出）'),
    recognitionFiledOn: z.string().nullable().optional().describe('工作方案备案日期（表单 file-recognition-plan）'),
    recognitionFilingNumber: z.string().nullable().optional().describe('工作方案备案编号（表单 file-recognition-plan）'),
  }),
  output: z.object({
    recognitionReport: z
      .object({})
      .describe('报送记录 {reportId, reportedOn, recipient {divisionCode, name}, filing {filedOn, filingNumber}, records: [{applicationId, name, certificateCode, level, combinedScore, conditionsMet}]}'),
  }),
  async handler(i, _job, services) {
    const { registry } = services;
    const by = actor(TYPE);
    const reportId = `skills-center-report:${i.campaign.id}`;
    const cityCode = `${i.enterprise.divisionCode.slice(0, 4)}00`;
    const recipient = { divisionCode: cityCode, name: `备案地（${cityCode}）职业技能鉴定中心` };
    const reportedOn = today(services);
    const byApplication = new Map(i.recognitionOutcomes.map((o) => [o.applicationId, o]));
    const records = [];
    for (const c of i.certificates) {
      const app = await registry.applications.get(c.applicationId);
      const o = byApplication.get(c.applicationId);
      records.push({
        applicationId: c.applicationId,
        name: app?.applicant.name ?? null,
        idNumberMasked: app?.applicant.idNumber ?? null,
        certificateCode: c.certificateCode,
        level: i.level,
        levelName: LEVEL_NAMES[i.level],
        combinedScore: o?.combinedScore ?? null,
        conditionsMet: o?.conditionsMet ?? [],
      });
      if (!app) continue;
      const marker = `【直接认定·报送鉴定中心 ${reportId}】`;
      if (app.history.some((e) => (e.why ?? '').startsWith(marker))) continue;
      await registryCall({ zh: '记录评价数据报送', en: 'record the report to the skills center' }, () =>
        registry.applications.setStatus({
          id: app.id,
          status: app.status,
          why: `${marker}${reportedOn} 将直接认定评价数据（${LEVEL_NAMES[i.level]}，证书 ${c.certificateCode}）报送${recipient.name}（001 附件2 四）`,
          by,
        }),
      );
    }
    return {
      recognitionReport: {
        reportId,
        reportedOn,
        recipient,
        unit: { creditCode: i.enterprise.creditCode, name: i.enterprise.name ?? null },
        filing: { filedOn: i.recognitionFiledOn ?? null, filingNumber: i.recognitionFilingNumber ?? null },
        records,
      },
    };
  },
});
