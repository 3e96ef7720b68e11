/**
 * pingpin.recognition.report — 报送直接认定评价数据. The last step of `direct-recognition` (001 附件2
 * 四: 直接认定结果经单位公示后，按规定颁发证书、任职聘用，并将直接认定的评价数据同步报送备案地职业技能鉴定中心):
 * assembles the recognition data of the round — who was recognized at which level, with which
 * certificate, scores and conditions — addressed to the skills center of the place where the plan was
 * filed (the prefecture of the unit, whose HRSS filed the plan), and records the report in the
 * registry (`skillsCenterReports`, one per round; holder names and masked ID numbers come from the
 * certificates there, never from process variables).
 *
 * A certificate whose application was disqualified or withdrawn after it was issued, or which was
 * revoked, is left out of the report and listed in `skipped` with the reason (the registry refuses a
 * revoked certificate, and a person out of the round is not reported as recognized): the round is
 * reported for the others instead of stopping on an incident. Nobody left: nothing is recorded
 * (`reported: false`), the round still completes.
 *
 * There is no interface to the skills centers yet (as there is for the national certificate query
 * system): the registry record is the report as sent. Idempotent: a redelivered job reads the round's
 * report back from the registry and returns it (`alreadyReported: true`) instead of reporting again.
 */
import { z } from 'zod';
import { LEVEL_NAMES, type RecognitionLevel } from '../../src/domain/levels.js';
import type { Registry, SkillsCenterReport } from '../../src/registry/index.js';
import { actor, bi, idString, refuse, registryCall, today } from '../kit/index.js';
import { defineWorker } from '../runtime.js';
import { levelSchema } from './plan.js';

const TYPE = 'pingpin.recognition.report';

interface Skipped {
  applicationId: string;
  certificateCode: string;
  reason: string;
}

const FINAL_REASONS: Record<string, string> = { disqualified: '申报已被取消资格', withdrawn: '申报已撤回' };

/** The certificates not to report: application disqualified or withdrawn, or certificate no longer valid. */
async function skippedOf(registry: Registry, certificates: ReadonlyArray<{ applicationId: string; certificateCode: string }>): Promise<Skipped[]> {
  const out: Skipped[] = [];
  for (const c of certificates) {
    const app = await registry.applications.get(c.applicationId);
    const cert = await registry.certificates.get(c.certificateCode);
    if (app && FINAL_REASONS[app.status]) {
      out.push({ applicationId: c.applicationId, certificateCode: c.certificateCode, reason: `${FINAL_REASONS[app.status]}，不报送 / not reported: application ${app.status}` });
    } else if (cert && cert.status !== 'valid') {
      out.push({ applicationId: c.applicationId, certificateCode: c.certificateCode, reason: `证书已注销（${cert.status}），不报送 / not reported: certificate ${cert.status}` });
    }
  }
  return out;
}

const outcome = z.looseObject({
  applicationId: z.string({ error: bi('认定结果的申报编号 recognitionOutcomes[].applicationId 应为字符串', 'recognitionOutcomes[].applicationId must be a string') }),
  recognized: z.boolean({ error: bi('认定结果 recognitionOutcomes[].recognized 应为 true 或 false', 'recognitionOutcomes[].recognized must be true or false') }),
  combinedScore: z.number().nullable().optional(),
  conditionsMet: z.array(z.string()).optional(),
});

export default defineWorker({
  type: TYPE,
  name: '报送直接认定评价数据',
  description:
    '颁证聘任后，将本轮直接认定的评价数据（认定人员、等级、证书编码、评分、满足的条件）报送备案地职业技能鉴定中心（001 附件2 四），报送记录登记在登记系统（每轮一份）；重复执行时读回已登记的报送，不重复报送。申报已被取消资格、已撤回或证书已注销的人员不报送，列入 skipped 并注明原因。',
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
      .describe(
        '报送记录 {reportId, reported, reportedOn, recipient {divisionCode, name}, filing {filedOn, filingNumber}, records: [{applicationId, name, idNumberMasked, certificateCode, level, levelName, occupation, combinedScore, conditionsMet}], skipped: [{applicationId, certificateCode, reason}], alreadyReported}：skipped 为已被取消资格、已撤回或证书已注销而未报送的人员；无人可报送时 reported=false',
      ),
  }),
  async handler(i, job, services) {
    const { registry } = services;
    const reportId = `skills-center-report:${i.campaign.id}`;
    const view = (r: SkillsCenterReport, alreadyReported: boolean, skipped: Skipped[]) => ({
      recognitionReport: {
        reportId,
        reported: true,
        reportedOn: r.reportedOn,
        recipient: r.recipient,
        unit: { creditCode: r.creditCode, name: i.enterprise.name ?? null },
        filing: r.filing,
        records: r.records.map((x) => ({
          applicationId: x.applicationId,
          name: x.holderName,
          idNumberMasked: x.idNumber,
          certificateCode: x.certificateCode,
          level: x.level,
          levelName: LEVEL_NAMES[x.level as RecognitionLevel] ?? x.level,
          occupation: x.occupation,
          combinedScore: x.combinedScore,
          conditionsMet: x.conditionsMet,
        })),
        skipped,
        alreadyReported,
      },
    });

    // A redelivered job: the round was reported already; what the registry holds is what was sent.
    const reported = await registry.skillsCenterReports.get(i.campaign.id);
    if (reported) {
      const sent = new Set(reported.records.map((x) => x.certificateCode));
      return view(reported, true, (await skippedOf(registry, i.certificates)).filter((x) => !sent.has(x.certificateCode)));
    }

    if (i.certificates.length === 0) {
      throw refuse('颁发的证书 certificates 为空，本轮没有可报送的直接认定人员（001 附件2 四）', 'certificates is empty: the round has no recognized person to report (001 附件2 四)');
    }
    const byApplication = new Map(i.recognitionOutcomes.map((o) => [o.applicationId, o]));
    const strangers = i.certificates.filter((c) => byApplication.get(c.applicationId)?.recognized !== true).map((c) => c.applicationId);
    if (strangers.length > 0) {
      throw refuse(
        `证书 certificates 中的申报 ${strangers.join('、')} 在认定结果 recognitionOutcomes 中未获认定，不能作为直接认定人员报送`,
        `certificates: applications ${strangers.join(', ')} are not recognized in recognitionOutcomes and cannot be reported as recognized`,
      );
    }
    // Out of the round since the certificate was issued (the registry's final statuses), or the
    // certificate revoked: not reported as recognized, and said so instead of an incident.
    const skipped = await skippedOf(registry, i.certificates);
    const toReport = i.certificates.filter((c) => !skipped.some((x) => x.certificateCode === c.certificateCode));
    for (const x of skipped) job.log.info({ applicationId: x.applicationId, certificateCode: x.certificateCode }, `not reported: ${x.reason}`);
    if (toReport.length === 0) {
      return { recognitionReport: { reportId, reported: false, reportedOn: null, recipient: null, unit: { creditCode: i.enterprise.creditCode, name: i.enterprise.name ?? null }, filing: null, records: [], skipped, alreadyReported: false } };
    }
    const cityCode = `${i.enterprise.divisionCode.slice(0, 4)}00`;
    const report = await registryCall({ zh: '记录评价数据报送', en: 'record the report to the skills center' }, () =>
      registry.skillsCenterReports.record({
        campaignId: i.campaign.id,
        recipient: { divisionCode: cityCode, name: `备案地（${cityCode}）职业技能鉴定中心` },
        filing: { filingNumber: i.recognitionFilingNumber?.trim() || null, filedOn: i.recognitionFiledOn?.slice(0, 10) || null },
        reportedOn: today(services),
        records: toReport.map((c) => {
          const o = byApplication.get(c.applicationId);
          return { applicationId: c.applicationId, certificateCode: c.certificateCode, combinedScore: o?.combinedScore ?? null, conditionsMet: o?.conditionsMet ?? [] };
        }),
        by: actor(TYPE),
      }),
    );
    return view(report, report.alreadyReported, skipped);
  },
});
