import { describe, expect, it } from 'vitest';
import { InputValidationError, parseApplicant, type FieldIssue } from '../../src/domain/applicant.js';
import { applicant, cert, honour, post, work, type Obj } from './eligibility-fixtures.js';

/** Valid GB 11643 numbers for someone born 1980-06-15: 17th digit odd = male, even = female. */
const MALE_ID = '11010519800615123X';
const FEMALE_ID = '110105198006151248';

function issues(record: unknown): FieldIssue[] {
  try {
    parseApplicant(record, { asOf: '2025-06-01' });
  } catch (err) {
    expect(err).toBeInstanceOf(InputValidationError);
    return (err as InputValidationError).issues;
  }
  throw new Error('expected the record to be rejected');
}
const lines = (record: unknown) => issues(record).map((i) => `${i.field}: ${i.message}`);

describe('applicant record', () => {
  it('accepts a complete record', () => {
    const record = applicant({
      idNumber: MALE_ID,
      certificates: [cert('1', '2015-06-01')],
      workHistory: [work('2000-07-01')],
      posts: [post('2016-01-01')],
      honors: [honour('national-competition', 'national', { grade: 2 }), honour('coach', 'world', { headCoach: true })],
    });
    expect(parseApplicant(record, { asOf: '2025-06-01' }).name).toBe('王师傅');
  });

  it('names the field path and says the date format in zh-CN', () => {
    expect(lines(applicant({ certificates: [cert('1', '2015/06/01')] }))).toEqual(['certificates[0].obtainedOn: 日期格式应为 YYYY-MM-DD']);
    expect(issues(applicant({ certificates: [cert('1', '2015/06/01')] }))[0]).toMatchObject({ code: 'date-format', rule: 'docs/eligibility.md 申请人记录' });
  });

  it('rejects dates that do not exist', () => {
    expect(lines(applicant({ birthDate: '1981-02-29' }))).toEqual(['birthDate: 1981-02-29 不是有效的日历日期']);
    expect(lines(applicant({ workHistory: [work('2020-04-31')] }))).toEqual(['workHistory[0].from: 2020-04-31 不是有效的日历日期']);
  });

  it('rejects unknown fields, also nested ones, each at its own path', () => {
    const found = issues(applicant({ nickname: 'x', certificates: [{ ...cert('1', '2015-06-01'), grade: 1 }] }));
    expect(found.map((i) => [i.field, i.code])).toEqual(
      expect.arrayContaining([
        ['nickname', 'unknown-field'],
        ['certificates[0].grade', 'unknown-field'],
      ]),
    );
    expect(found.find((i) => i.field === 'nickname')?.message).toBe('不允许的字段（请删除或检查拼写）');
  });

  it('reports missing fields, wrong types and values outside the list in zh-CN', () => {
    const record = applicant({ gender: 'm', stillInOccupation: 'yes' });
    delete record.birthDate;
    const found = issues(record);
    expect(found).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ field: 'birthDate', code: 'required', message: '缺少必填字段' }),
        expect.objectContaining({ field: 'gender', code: 'enum', message: '应为以下值之一："male"、"female"' }),
        expect.objectContaining({ field: 'stillInOccupation', code: 'type', message: '应为布尔值（true 或 false），实际为字符串' }),
      ]),
    );
  });

  it('checks the occupation code and the nationality code', () => {
    expect(lines(applicant({ occupation: { code: '6180101', name: '车工' } }))).toEqual([
      'occupation.code: 职业（工种）代码应为《职业分类大典》代码，如 6-18-01-01 或 6-18-01-01-02',
    ]);
    expect(lines(applicant({ nationality: 'china' }))).toEqual(['nationality: 国籍应为两位大写字母代码（ISO 3166-1），中国为 CN']);
    expect(parseApplicant(applicant({ occupation: { code: '6-18-01-01-02', name: '车工（数控）' } })).occupation.code).toBe('6-18-01-01-02');
  });

  it('checks the resident ID number with validators.ts (GB 11643) and against birthDate and gender', () => {
    expect(issues(applicant({ idNumber: '11010519800615' }))[0]).toMatchObject({ field: 'idNumber', code: 'idNumber.length' });
    expect(issues(applicant({ idNumber: '110105198006151230' }))[0]).toMatchObject({
      field: 'idNumber',
      code: 'idNumber.checkChar',
      rule: 'GB 11643-1999 校验码（ISO 7064:1983 MOD 11-2）',
    });
    expect(issues(applicant({ idNumber: MALE_ID, birthDate: '1980-06-16' }))[0]).toMatchObject({ field: 'idNumber', code: 'idNumber.birthDateMismatch' });
    expect(issues(applicant({ idNumber: FEMALE_ID }))[0]).toMatchObject({ field: 'idNumber', code: 'idNumber.genderMismatch' });
    expect(parseApplicant(applicant({ idNumber: FEMALE_ID, gender: 'female' })).idNumber).toBe(FEMALE_ID);
  });

  it('requires periods to end on or after they start, and nothing before birth', () => {
    expect(lines(applicant({ posts: [post('2020-01-01', '2019-12-31')] }))).toEqual(['posts[0].to: 结束日期 2019-12-31 早于开始日期 from 2020-01-01']);
    expect(lines(applicant({ workHistory: [work('2020-01-01', '2019-12-31')] }))).toEqual(['workHistory[0].to: 结束日期 2019-12-31 早于开始日期 from 2020-01-01']);
    expect(lines(applicant({ appointments: [{ level: 'T', appointedOn: '2022-01-01', endedOn: '2021-01-01' }] }))).toEqual([
      'appointments[0].endedOn: 结束日期 2021-01-01 早于开始日期 appointedOn 2022-01-01',
    ]);
    expect(lines(applicant({ certificates: [cert('1', '1979-01-01')] }))).toEqual(['certificates[0].obtainedOn: 日期 1979-01-01 早于出生日期 1980-06-15']);
  });

  it('keeps honours consistent with their type (tier, grade, issuer, headCoach)', () => {
    expect(issues(applicant({ honors: [honour('china-skill-award', 'provincial')] }))[0]).toMatchObject({ field: 'honors[0].tier', code: 'honour-tier' });
    expect(issues(applicant({ honors: [honour('national-competition', 'national')] }))[0]).toMatchObject({ field: 'honors[0].grade', code: 'honour-grade-required' });
    expect(issues(applicant({ honors: [honour('national-competition', 'national', { grade: 4 })] }))[0]).toMatchObject({ code: 'honour-grade' });
    expect(issues(applicant({ honors: [honour('model-worker', 'city', { grade: 1 })] }))[0]).toMatchObject({ code: 'honour-grade-not-applicable' });
    expect(issues(applicant({ honors: [honour('enterprise-contribution-award', 'enterprise')] }))[0]).toMatchObject({
      field: 'honors[0].issuer',
      code: 'honour-issuer-required',
    });
    expect(issues(applicant({ honors: [honour('model-worker', 'city', { issuer: 'central-soe-l2' })] }))[0]).toMatchObject({ code: 'honour-issuer-not-applicable' });
    expect(issues(applicant({ honors: [honour('model-worker', 'city', { headCoach: true })] }))[0]).toMatchObject({ code: 'honour-head-coach-not-applicable' });
    expect(issues(applicant({ honors: [honour('no-such-honour', 'city')] }))[0]).toMatchObject({ field: 'honors[0].type', code: 'enum' });
  });

  it('allows femaleCadre only for women', () => {
    expect(lines(applicant({ femaleCadre: true }))).toEqual(['femaleCadre: femaleCadre 仅适用于女性（gender 为 female）']);
    expect(parseApplicant(applicant({ gender: 'female', femaleCadre: true })).femaleCadre).toBe(true);
  });

  it('puts a prefix before the paths when the record is nested', () => {
    try {
      parseApplicant(applicant({ birthDate: 'x' }), { prefix: 'applicant' });
      throw new Error('expected a rejection');
    } catch (err) {
      expect((err as InputValidationError).issues[0]?.field).toBe('applicant.birthDate');
      expect((err as Error).message).toBe('applicant.birthDate: 日期格式应为 YYYY-MM-DD');
    }
  });

  it('rejects what is not an object', () => {
    expect(issues(null)[0]).toMatchObject({ field: '(root)', code: 'type' });
    expect(issues([] as Obj[])[0]).toMatchObject({ field: '(root)', code: 'type' });
  });
});
