/**
 * pingpin.eligibility.record — 记录资格判定结果 (candidate-review, after the decision).
 *
 * Stores the eligibility result on the application in the registry (with the evaluation date and the
 * facts it rests on) and moves the application to `eligible` or `ineligible`, with the route and
 * basis or the reasons as the status note. Idempotent: a redelivered job finds the same result and
 * status already there and writes nothing.
 */
import { z } from 'zod';
import type { Json } from '../../src/registry/index.js';
import { actor, clip, jobVariables, refuse, today } from '../kit/index.js';
import { defineWorker } from '../runtime.js';

export const TYPE = 'pingpin.eligibility.record';

export const ROUTE_NAMES: Record<string, string> = { standard: '常规条件', direct: '直接申报', exceptional: '破格（特别优秀）' };

/** The result of `eligibility-<jurisdiction>-<level>` (docs/eligibility.md). */
export const eligibilityVariable = z
  .object({
    eligible: z.boolean().describe('是否符合申报条件'),
    route: z.enum(['standard', 'direct', 'exceptional']).nullable().describe('途径：standard 常规、direct 直接申报、exceptional 破格；不符合时为 null'),
    basis: z.array(z.string()).describe('依据条款代码'),
    priority: z.array(z.string()).default([]).describe('优先条件代码'),
    flags: z.array(z.string()).default([]).describe('提示代码'),
    reasons: z.array(z.string()).describe('不符合的原因（中文）'),
  })
  .describe('资格判定结果：{eligible, route, basis, priority, flags, reasons}');

const input = jobVariables({
  applicationId: z.string().min(1).describe('申报编号：registry 中的申报记录 id'),
  eligibility: eligibilityVariable,
  facts: z.record(z.string(), z.unknown()).nullable().optional().describe('资格事实（计算资格事实的输出），与结果一并存档'),
});


export default defineWorker({
  type: TYPE,
  name: '记录资格判定结果',
  description: '把资格判定结果（连同判定日期和资格事实）记入登记库的申报记录，并把申报状态置为“符合条件”（eligible）或“不符合条件”（ineligible），状态说明写明途径和依据或不符合的原因。重复投递时不重复写入。',
  input,
  output: z.object({}),
  async handler({ applicationId, eligibility, facts }, _job, services) {
    const by = actor(TYPE);
    const { registry } = services;
    const app = await registry.applications.get(applicationId);
    if (!app) throw refuse(`登记库中没有申报 ${applicationId}（变量 applicationId）`, `application ${applicationId} is not in the registry`);

    const asOf = typeof facts?.asOf === 'string' ? facts.asOf : today(services);
    const result = { ...eligibility, asOf, ...(facts ? { facts } : {}) } as unknown as Json;
    if (JSON.stringify(app.eligibility) !== JSON.stringify(result)) {
      await registry.applications.setEligibility({ id: applicationId, result, by });
    }

    const status = eligibility.eligible ? 'eligible' : 'ineligible';
    // Disqualified and withdrawn are final (the registry refuses to move them): the result is kept above.
    if (app.status !== status && app.status !== 'disqualified' && app.status !== 'withdrawn') {
      const why = eligibility.eligible
        ? `符合申报条件（${ROUTE_NAMES[eligibility.route ?? ''] ?? eligibility.route ?? ''}；依据 ${eligibility.basis.join('、') || '—'}）`
        : `不符合申报条件：${eligibility.reasons.join('；') || '—'}`;
      await registry.applications.setStatus({ id: applicationId, status, why: clip(why), by });
    }
    return {};
  },
});
