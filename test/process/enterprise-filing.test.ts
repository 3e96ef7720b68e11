/**
 * enterprise-filing end to end: the real model (bpmn/enterprise-filing.bpmn), bpmn/prerequisites.dmn,
 * the forms and the workers (pingpin.filing.register / .record) with the registry. Every user task is
 * completed with what its form submits. The recorded filing gives the evaluator part (the first 13
 * characters) of the enterprise's certificate codes.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCertificateCode } from '../../src/domain/certificate-code.js';
import { formatCertificateCode } from '../../src/registry/index.js';
import filingRecord from '../../workers/filing/record.js';
import filingRegister, { PREREQUISITE_FACT_NAMES } from '../../workers/filing/register.js';
import { ROOT } from '../support/harness.js';
import { startProcessHarness, type ProcessHarness } from '../support/process.js';

const PINNED = '2026-09-01T09:00:00+08:00';

let h: ProcessHarness;
beforeAll(async () => {
  h = await startProcessHarness({ pinnedAt: PINNED });
}, 60_000);
afterAll(() => h?.stop());

/** The 备案申请表 (000 附件3) as the revise-filing form submits it. */
const filingOf = (unitName: string, levels: string[]) => ({
  unitName,
  unitAddress: '某市某区工业大道 88 号',
  evaluatorFilingNumber: 'PJ-2023-0088',
  levels,
  occupations: [
    { code: '6-18-01-01', name: '车工' },
    { code: '6-18-01-02', name: '铣工' },
  ],
  postBackground: '企业现有高级技师 42 名，主要分布在精密加工和装备制造岗位，急需设立特级技师、首席技师岗位带动技能人才队伍建设。',
  unitOpinion: '同意申报',
  legalRepresentative: '张大山',
  signedOn: '2026-08-20',
});

describe('enterprise-filing', () => {
  it('Guangdong 特级技师: a new enterprise is registered, the city approves, the province records, certificates draw the evaluator part from it', async () => {
    const creditCode = h.seed.creditCode(41, '440300');
    const pi = await h.startProcess('enterprise-filing', {
      jurisdiction: 'guangdong',
      enterprise: { creditCode, name: '深圳精工装备有限公司', divisionCode: '440305', aboveScale: true, occupationHasLevel1: true },
      filing: filingOf('深圳精工装备有限公司', ['T']),
    });

    const city = await h.waitForUserTask({ processInstanceKey: pi, elementId: 'review-filing-city', candidateGroup: 'city-440300' });
    const registered = await h.registry.enterprises.get(creditCode);
    expect(registered).toMatchObject({ name: '深圳精工装备有限公司', divisionCode: '440305', province: '44', aboveScale: true, filings: [] });
    const atCity = await h.variables(pi);
    expect(atCity.prerequisites).toMatchObject({ met: true, basis: ['GD-E-1', 'GD-E-2', 'GD-E-3'], reasons: [], byLevel: [{ level: 'T', met: true }] });
    await h.completeUserTask(city, { filingCityDecision: 'approve', filingCityComment: '材料齐全，同意报省级备案' });

    const province = await h.waitForUserTask({ processInstanceKey: pi, elementId: 'record-filing-province', candidateGroup: 'province-44' });
    await h.completeUserTask(province, {
      filingProvinceDecision: 'record',
      evaluatorFiling: { category: 'Y', authority: 'province', siteProvince: '44', siteSerial: '000777', levels: ['T'], filedOn: '2026-09-02' },
      filingProvinceComment: '同意备案',
    });

    const vars = await h.waitForCompletion(pi);
    expect(vars.evaluatorFilings).toEqual([{ level: 'T', evaluatorKey: 'Y000044000777', authority: 'province', filedOn: '2026-09-02', status: 'active' }]);
    const filing = (await h.registry.enterprises.get(creditCode))!.filings;
    expect(filing).toMatchObject([{ level: 'T', category: 'Y', evaluatorCode: '0000', province: '44', siteSerial: '000777', evaluatorKey: 'Y000044000777', authority: 'province', status: 'active' }]);

    // The evaluator part of a certificate code comes from the recorded filing (DOMAIN.md §3).
    const code = formatCertificateCode(filing[0]!.evaluatorKey, 2026, 'T', 1);
    expect(code).toBe('Y00004400077726T000001');
    expect(parseCertificateCode(code).parts).toMatchObject({ category: 'Y', evaluatorCode: '0000', province: '44', site: '000777', level: 'T', serial: 1 });
    const holder = h.seed.applicant({ n: 41 });
    const issued = await h.registry.certificates.issue({ creditCode, level: 'T', occupation: { code: '6-18-01-01', name: '车工' }, holder: { name: holder.name, idNumber: holder.idNumber }, issuedOn: '2026-10-15', by: 'test' });
    expect(issued.code).toBe('Y00004400077726T000001');
  }, 30_000);

  it('Fujian 特级技师 and 首席技师: MOHRSS filing, both levels recorded under the MOHRSS evaluator code', async () => {
    const creditCode = h.seed.creditCode(42, '350100');
    const pi = await h.startProcess('enterprise-filing', {
      jurisdiction: 'fujian',
      enterprise: {
        creditCode,
        name: '福州海峡重工有限公司',
        divisionCode: '350102',
        selfEvaluationSince: '2021-05-01',
        seniorRecognitionDone: true,
        seniorRecognitionOn: '2023-06-30',
        mohrssFiled: true,
        occupationInFiledScope: true,
      },
      filing: filingOf('福州海峡重工有限公司', ['T', 'S']),
    });
    const city = await h.waitForUserTask({ processInstanceKey: pi, elementId: 'review-filing-city', candidateGroup: 'city-350100' });
    expect((await h.variables(pi)).prerequisites).toMatchObject({ met: true, basis: ['FJ-E-1', 'FJ-E-2', 'FJ-E-3', 'FJ-E-4'], byLevel: [{ level: 'T' }, { level: 'S' }] });
    await h.completeUserTask(city, { filingCityDecision: 'approve', filingCityComment: '同意' });
    const province = await h.waitForUserTask({ processInstanceKey: pi, elementId: 'record-filing-province', candidateGroup: 'province-35' });
    await h.completeUserTask(province, {
      filingProvinceDecision: 'record',
      evaluatorFiling: { category: 'Y', authority: 'mohrss', evaluatorCode: '1234', siteProvince: '35', siteSerial: '000321', levels: ['T', 'S'], filedOn: '2026-09-03' },
      filingProvinceComment: '经人社部备案，予以登记',
    });
    const vars = await h.waitForCompletion(pi);
    expect(vars.evaluatorFilings).toEqual([
      { level: 'T', evaluatorKey: 'Y123435000321', authority: 'mohrss', filedOn: '2026-09-03', status: 'active' },
      { level: 'S', evaluatorKey: 'Y123435000321', authority: 'mohrss', filedOn: '2026-09-03', status: 'active' },
    ]);
    expect(formatCertificateCode('Y123435000321', 2026, 'S', 12)).toBe('Y12343500032126S000012');
    expect((await h.registry.enterprises.get(creditCode))!.filings.map((f) => [f.level, f.evaluatorCode])).toEqual([
      ['S', '1234'],
      ['T', '1234'],
    ]);
  }, 30_000);

  it('prerequisites not met → revise loop; the city and the province return it; the enterprise record is updated', async () => {
    // Registered before, not a large / 省属备案 / 链主 enterprise: 首席技师 is out of scope (GD-E-2).
    const ent = await h.seed.enterprise({ jurisdiction: 'guangdong', n: 43, levels: [], enterprise: { large: false, name: '旧名称有限公司' } });
    const hr = `enterprise-${ent.creditCode}-hr`;
    const pi = await h.startProcess('enterprise-filing', {
      jurisdiction: 'guangdong',
      enterprise: { creditCode: ent.creditCode, name: ent.name, divisionCode: ent.divisionCode, occupationHasLevel1: true },
      filing: filingOf('广州新名称科技有限公司', ['T', 'S']),
    });

    let revise = await h.waitForUserTask({ processInstanceKey: pi, elementId: 'revise-filing', candidateGroup: hr });
    const first = await h.variables(pi);
    expect(first.prerequisites).toMatchObject({
      met: false,
      reasons: ['GD-E-2：首席技师评聘限省属备案企业、产教评技能生态链链主企业或大型企业（002 二(一)）'],
      byLevel: [
        { level: 'T', met: true },
        { level: 'S', met: false },
      ],
    });
    expect((await h.registry.enterprises.get(ent.creditCode))!.name).toBe('广州新名称科技有限公司');
    // The clerk drops 首席技师 and resubmits.
    await h.completeUserTask(revise, { filing: filingOf('广州新名称科技有限公司', ['T']), revisionAction: 'resubmit', revisionNote: '仅申请特级技师' });

    // The city returns it …
    let city = await h.waitForUserTask({ processInstanceKey: pi, elementId: 'review-filing-city', candidateGroup: 'city-440300' });
    await h.completeUserTask(city, { filingCityDecision: 'return', filingCityComment: '岗位背景情况需补充设岗数量' });
    revise = await h.waitForUserTask({ processInstanceKey: pi, elementId: 'revise-filing', candidateGroup: hr });
    expect(await h.variables(pi)).toMatchObject({ filingCityDecision: 'return', filingCityComment: '岗位背景情况需补充设岗数量', revisionAction: 'resubmit' });
    const better = { ...filingOf('广州新名称科技有限公司', ['T']), postBackground: '拟设特级技师岗位 3 个，分布在精密加工、数控编程和装配调试岗位，现有高级技师 42 名。' };
    await h.completeUserTask(revise, { filing: better, revisionAction: 'resubmit' });

    // … the second round starts with an empty decision (the reviewer decides again), and approves.
    city = await h.waitForUserTask({ processInstanceKey: pi, elementId: 'review-filing-city', candidateGroup: 'city-440300' });
    await expect(h.completeUserTask(city, {})).rejects.toThrow(/filingCityDecision.*is required/);
    await h.completeUserTask(city, { filingCityDecision: 'approve', filingCityComment: '补充后同意' });

    // The province returns it once, then records it.
    let province = await h.waitForUserTask({ processInstanceKey: pi, elementId: 'record-filing-province', candidateGroup: 'province-44' });
    await h.completeUserTask(province, { filingProvinceDecision: 'return', filingProvinceComment: '请补充法人签字页扫描件' });
    revise = await h.waitForUserTask({ processInstanceKey: pi, elementId: 'revise-filing', candidateGroup: hr });
    expect(await h.variables(pi)).toMatchObject({ filingProvinceDecision: 'return', evaluatorFiling: null });
    await h.completeUserTask(revise, { revisionAction: 'resubmit', revisionNote: '已补充' });
    city = await h.waitForUserTask({ processInstanceKey: pi, elementId: 'review-filing-city', candidateGroup: 'city-440300' });
    await h.completeUserTask(city, { filingCityDecision: 'approve', filingCityComment: '同意' });
    province = await h.waitForUserTask({ processInstanceKey: pi, elementId: 'record-filing-province', candidateGroup: 'province-44' });
    await h.completeUserTask(province, {
      filingProvinceDecision: 'record',
      evaluatorFiling: { category: 'Y', authority: 'province', siteProvince: '44', siteSerial: '000043', levels: ['T'], filedOn: '2026-09-05' },
      filingProvinceComment: '同意备案',
    });
    const vars = await h.waitForCompletion(pi);
    expect(vars.filing).toMatchObject({ levels: ['T'], postBackground: better.postBackground });
    expect(vars.evaluatorFilings).toMatchObject([{ level: 'T', evaluatorKey: 'Y000044000043' }]);
  }, 60_000);

  it('the enterprise may withdraw instead of revising; nothing is filed', async () => {
    const creditCode = h.seed.creditCode(44, '510100');
    const pi = await h.startProcess('enterprise-filing', {
      jurisdiction: 'sichuan',
      enterprise: { creditCode, name: '成都天府机械有限公司', divisionCode: '510107', sichuanFiling: 'none' },
      filing: filingOf('成都天府机械有限公司', ['T']),
    });
    const revise = await h.waitForUserTask({ processInstanceKey: pi, elementId: 'revise-filing', candidateGroup: `enterprise-${creditCode}-hr` });
    expect((await h.variables(pi)).prerequisites).toMatchObject({ met: false, reasons: [expect.stringContaining('SC-E-1')], flags: ['occupation-without-level-1'] });
    await h.completeUserTask(revise, { revisionAction: 'withdraw', revisionNote: '待完成省级备案后再申请' });
    await h.waitForCompletion(pi);
    await h.waitForElement({ processInstanceKey: pi, elementId: 'filing-withdrawn', state: 'COMPLETED' });
    expect((await h.registry.enterprises.get(creditCode))!.filings).toEqual([]);
  }, 30_000);

  it('bad variables fail at once, naming the variable in Chinese and English', async () => {
    const fail = async (variables: Record<string, unknown>) => {
      const pi = await h.startProcess('enterprise-filing', variables);
      const incident = await h.waitForIncident({ processInstanceKey: pi, elementId: 'register-filing' });
      await h.http('POST', `/v2/process-instances/${pi}/cancellation`, {});
      expect(incident.errorType).toBe('JOB_NO_RETRIES');
      return incident.errorMessage;
    };
    const wrongCode = h.seed.creditCode(45, '350100').slice(0, 17) + (h.seed.creditCode(45, '350100').endsWith('0') ? '1' : '0');
    const fields = await fail({
      jurisdiction: 'fujian',
      enterprise: { creditCode: wrongCode, name: '福建某公司', divisionCode: '350102' },
      filing: { ...filingOf('福建某公司', ['T']), signedOn: '2026-02-30' },
    });
    expect(fields).toMatch(/enterprise\.creditCode: 统一社会信用代码校验码错误.+ \/ .+check character/);
    expect(fields).toContain('filing.signedOn: 签字日期不是有效的日历日期 / is not a valid calendar date');
    const across = await fail({
      jurisdiction: 'fujian',
      enterprise: { creditCode: h.seed.creditCode(46, '440300'), name: '错地区有限公司', divisionCode: '440305' },
      filing: filingOf('错地区有限公司', ['T']),
    });
    expect(across).toContain('enterprise.divisionCode: 所在地行政区划代码 440305 不在福建省（应以 35 开头） / 440305 is not in fujian (must start with 35)');
    const national = await fail({
      jurisdiction: 'national',
      enterprise: { creditCode: h.seed.creditCode(47, '320500'), name: '苏州某公司', divisionCode: '320505' },
      filing: filingOf('苏州某公司', ['T', 'S']),
    });
    expect(national).toContain('filing.levels: 全国试点（人社厅发〔2021〕66号）只设特级技师（T），不能备案首席技师（S） / the national pilot defines level T only');
  }, 30_000);
});

describe('redelivered jobs write nothing twice', () => {
  it('pingpin.filing.register and pingpin.filing.record', async () => {
    const creditCode = h.seed.creditCode(48, '440300');
    const register = { jurisdiction: 'guangdong', enterprise: { creditCode, name: '重投有限公司', divisionCode: '440303', large: true }, filing: filingOf('重投有限公司', ['S']) };
    const record = {
      enterprise: { creditCode },
      filing: { levels: ['S'] },
      evaluatorFiling: { category: 'Y', authority: 'province', siteProvince: '44', siteSerial: '000048', levels: ['S'], filedOn: '2026-09-02' },
    };
    const audit = async () => (await h.registry.audit.list({ entityType: 'enterprise', entityId: creditCode })).length;
    const first = await filingRegister.handler(filingRegister.input.parse(register), {} as never, h.services);
    const recorded = await filingRecord.handler(filingRecord.input.parse(record), {} as never, h.services);
    const written = await audit();
    const again = await filingRegister.handler(filingRegister.input.parse(register), {} as never, h.services);
    const recordedAgain = await filingRecord.handler(filingRecord.input.parse(record), {} as never, h.services);
    expect(await audit()).toBe(written);
    expect(recordedAgain).toEqual(recorded);
    // The second registration sees the filing just recorded: the facts may change, the enterprise does not.
    expect(again.enterprise).toEqual(first.enterprise);
  });
});

describe('the model maps every prerequisite fact into the decision', () => {
  it('check-prerequisites has one input mapping per fact, from enterpriseFacts', () => {
    const xml = readFileSync(join(ROOT, 'bpmn', 'enterprise-filing.bpmn'), 'utf8');
    const task = xml.slice(xml.indexOf('<bpmn:businessRuleTask id="check-prerequisites"'), xml.indexOf('</bpmn:businessRuleTask>'));
    const mapped = [...task.matchAll(/<zeebe:input source="=enterpriseFacts\.(\w+)" target="(\w+)" \/>/g)].map((m) => [m[1], m[2]]);
    expect(mapped.map(([s]) => s)).toEqual([...PREREQUISITE_FACT_NAMES]);
    for (const [s, t] of mapped) expect(t).toBe(s);
  });
});
