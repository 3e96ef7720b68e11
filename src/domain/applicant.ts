/**
 * The applicant record an eligibility check reads (docs/eligibility.md "Applicant record"), as a zod
 * schema. Objects are strict (an unknown field is an error, so a misspelt field never silently
 * counts as absent); dates are `YYYY-MM-DD` and real calendar dates; every problem is reported in
 * zh-CN with the field path a clerk can find in the form, e.g.
 * `certificates[0].obtainedOn: 日期格式应为 YYYY-MM-DD`.
 */
import { z } from 'zod';
import { CONTRIBUTION_ISSUERS, HONOUR_TIERS, HONOUR_TIER_NAMES, HONOUR_TYPE_IDS, HONOUR_TYPES, type HonourTypeInfo } from './honours.js';
import { LEVELS } from './levels.js';
import { isDateShaped, isValidDate } from './periods.js';
import { validateIdNumber } from './validators.js';

/**
 * One problem in the input, in the shape of the other domain issues (issues.ts): where
 * (`certificates[0].obtainedOn`), what (zh-CN), a stable `code` (required, type, unknown-field, enum,
 * date-format, idNumber.checkChar, …) and the `rule` it comes from (a document section or standard).
 */
export interface FieldIssue {
  field: string;
  message: string;
  code: string;
  rule: string;
}

/** Where the record's own rules are written down. */
export const RECORD_RULE = 'docs/eligibility.md 申请人记录';

/** Input that failed validation; `issues` lists every problem, `message` one per line. */
export class InputValidationError extends Error {
  constructor(readonly issues: FieldIssue[]) {
    super(issues.map((i) => `${i.field}: ${i.message}`).join('\n'));
    this.name = 'InputValidationError';
  }
}

const custom = (ctx: z.RefinementCtx, message: string, code: string, path: (string | number)[] = [], rule = RECORD_RULE) =>
  ctx.addIssue({ code: 'custom', message, path, params: { code, rule } });

/** A `YYYY-MM-DD` calendar date. */
export const isoDate = z.string().superRefine((value, ctx) => {
  if (!isDateShaped(value)) custom(ctx, '日期格式应为 YYYY-MM-DD', 'date-format');
  else if (!isValidDate(value)) custom(ctx, `${value} 不是有效的日历日期`, 'date-invalid');
});

const text = (max: number) => z.string().trim().min(1).max(max);

/** A string matching `re`; otherwise `message`, reported under `code`. */
const pattern = (re: RegExp, message: string, code: string) =>
  z.string().superRefine((value, ctx) => {
    if (!re.test(value)) custom(ctx, message, code);
  });

/** 2022 版《职业分类大典》 code of an occupation (职业), optionally with a trade (工种) suffix: 6-18-01-01, 6-18-01-01-02. */
export const OCCUPATION_CODE = /^\d-\d{2}-\d{2}-\d{2}(-\d{2})?$/;

const occupationCode = pattern(OCCUPATION_CODE, '职业（工种）代码应为《职业分类大典》代码，如 6-18-01-01 或 6-18-01-01-02', 'occupation-code');

const level = z.enum(LEVELS);

export const certificateSchema = z.strictObject({
  level,
  occupationCode,
  obtainedOn: isoDate,
  /** A certificate in another occupation that counts as related (Fujian 000 附件3 二(一) "相关职业"). */
  related: z.boolean().optional(),
});

export const titleSchema = z.strictObject({
  rank: z.enum(['senior', 'full-senior']),
  /** Related to the occupation applied for (002 四(一)2 "相关的高级职称"). */
  related: z.boolean(),
  obtainedOn: isoDate,
});

export const workPeriodSchema = z.strictObject({
  occupationCode,
  /** Work in another occupation counts when related (002 四(一) "本职业或相关职业"). */
  related: z.boolean(),
  from: isoDate,
  /** Last day worked, inclusive; null while ongoing. */
  to: isoDate.nullable(),
});

export const postSchema = z.strictObject({
  /** The post's level; "1" = 高级技师岗位. */
  level,
  from: isoDate,
  to: isoDate.nullable(),
});

export const appointmentSchema = z.strictObject({
  level: z.enum(['T', 'S']),
  appointedOn: isoDate,
  /** Last day of the appointment, inclusive; absent or null while it lasts. */
  endedOn: isoDate.nullable().optional(),
});

export const honourSchema = z.strictObject({
  type: z.enum(HONOUR_TYPE_IDS),
  tier: z.enum(HONOUR_TIERS),
  awardedOn: isoDate,
  grade: z.number().int().optional(),
  issuer: z.enum(CONTRIBUTION_ISSUERS).optional(),
  headCoach: z.boolean().optional(),
});

export const attestationsSchema = z.strictObject({
  /** 模范遵守国家法律法规和企业规章制度 (003 三(一)1; 001 附件3 一(一)). */
  lawAbiding: z.boolean(),
  /** 良好的职业道德和工匠精神 (003 三(一)1). */
  ethics: z.boolean(),
  /** 具有适应工作岗位需要的身体条件 (003 三(一)4; 001 附件3 一(三)). */
  fit: z.boolean(),
});

/** 公民身份号码 shape: 18 characters, 17 digits and a digit or X. */
export const ID_NUMBER = /^\d{17}[\dX]$/;

/**
 * 公民身份号码 checked in full by validators.ts (GB 11643-1999: length, digits, address code, birth
 * date not after `today`, ISO 7064 check character), each problem with its own code and rule.
 */
const idNumber = (today: string | undefined) =>
  z.string().superRefine((value, ctx) => {
    for (const e of validateIdNumber(value, today ? { today } : {}).errors) custom(ctx, e.message, e.code, [], e.rule);
  });

const applicantShape = (today: string | undefined) => ({
  name: text(50),
  idNumber: idNumber(today).optional(),
  /** ISO 3166-1 alpha-2, "CN" for Chinese nationality. */
  nationality: pattern(/^[A-Z]{2}$/, '国籍应为两位大写字母代码（ISO 3166-1），中国为 CN', 'nationality-code'),
  birthDate: isoDate,
  gender: z.enum(['male', 'female']),
  /** Women only: the old statutory retirement age was 55 (女干部), not 50 (女工人). */
  femaleCadre: z.boolean().optional(),
  occupation: z.strictObject({ code: occupationCode, name: text(50) }),
  stillInOccupation: z.boolean(),
  certificates: z.array(certificateSchema),
  titles: z.array(titleSchema),
  workHistory: z.array(workPeriodSchema),
  posts: z.array(postSchema),
  appointments: z.array(appointmentSchema),
  honors: z.array(honourSchema),
  attestations: attestationsSchema.optional(),
});
const baseApplicantSchema = z.strictObject(applicantShape(undefined));
export type Applicant = z.infer<typeof baseApplicantSchema>;

export interface ApplicantSchemaOptions {
  /** The evaluation date: the ID number's birth date may not be after it (default: today, Asia/Shanghai). */
  asOf?: string;
}

/**
 * The applicant schema: strict fields, then cross-field rules (periods in order, nothing before
 * birth, the ID number agreeing with birthDate and gender, honours consistent with their type).
 */
export const makeApplicantSchema = (options: ApplicantSchemaOptions = {}) =>
  z.strictObject(applicantShape(options.asOf)).superRefine((a, ctx) => crossFieldRules(a, ctx));

export const applicantSchema = makeApplicantSchema();

function crossFieldRules(a: Applicant, ctx: z.RefinementCtx): void {
  const valid = (d: string | null | undefined): d is string => typeof d === 'string' && isValidDate(d);
  const notBeforeBirth = (date: string | null | undefined, path: (string | number)[]) => {
    if (valid(date) && valid(a.birthDate) && date < a.birthDate) custom(ctx, `日期 ${date} 早于出生日期 ${a.birthDate}`, 'before-birth', path);
  };
  const ordered = (from: string, to: string | null | undefined, path: (string | number)[], fromField: string) => {
    if (valid(from) && valid(to) && to < from) custom(ctx, `结束日期 ${to} 早于开始日期 ${fromField} ${from}`, 'period-order', path);
  };

  if (a.femaleCadre === true && a.gender !== 'female') {
    custom(ctx, 'femaleCadre 仅适用于女性（gender 为 female）', 'female-cadre-gender', ['femaleCadre']);
  }
  if (a.idNumber && ID_NUMBER.test(a.idNumber) && valid(a.birthDate)) {
    const embedded = a.idNumber.slice(6, 14);
    if (embedded !== a.birthDate.replaceAll('-', '')) {
      custom(ctx, `公民身份号码中的出生日期 ${embedded} 与 birthDate ${a.birthDate} 不一致`, 'idNumber.birthDateMismatch', ['idNumber']);
    }
    // GB 11643: the 17th digit (顺序码) is odd for men, even for women.
    const sex = Number(a.idNumber[16]) % 2 === 1 ? 'male' : 'female';
    if (sex !== a.gender) {
      custom(ctx, `公民身份号码第17位表明性别为${sex === 'male' ? '男' : '女'}，与 gender ${a.gender} 不一致`, 'idNumber.genderMismatch', ['idNumber'], 'GB 11643-1999 顺序码（奇数为男性，偶数为女性）');
    }
  }
  a.certificates.forEach((c, i) => notBeforeBirth(c.obtainedOn, ['certificates', i, 'obtainedOn']));
  a.titles.forEach((t, i) => notBeforeBirth(t.obtainedOn, ['titles', i, 'obtainedOn']));
  a.workHistory.forEach((w, i) => {
    notBeforeBirth(w.from, ['workHistory', i, 'from']);
    ordered(w.from, w.to, ['workHistory', i, 'to'], 'from');
  });
  a.posts.forEach((p, i) => {
    notBeforeBirth(p.from, ['posts', i, 'from']);
    ordered(p.from, p.to, ['posts', i, 'to'], 'from');
  });
  a.appointments.forEach((p, i) => {
    notBeforeBirth(p.appointedOn, ['appointments', i, 'appointedOn']);
    ordered(p.appointedOn, p.endedOn, ['appointments', i, 'endedOn'], 'appointedOn');
  });
  a.honors.forEach((h, i) => {
    const info: HonourTypeInfo = HONOUR_TYPES[h.type];
    const at = (field: string) => ['honors', i, field];
    notBeforeBirth(h.awardedOn, at('awardedOn'));
    if (!info.tiers.includes(h.tier)) {
      const allowed = info.tiers.map((t) => `${t}（${HONOUR_TIER_NAMES[t]}）`).join('、');
      custom(ctx, `${info.name}的级别只能是 ${allowed}`, 'honour-tier', at('tier'));
    }
    if (info.grades) {
      if (h.grade === undefined && info.grades.required) {
        custom(ctx, `${info.name}须填写等次 grade：${describeGrades(info)}`, 'honour-grade-required', at('grade'));
      } else if (h.grade !== undefined && !info.grades.values.includes(h.grade)) {
        custom(ctx, `${info.name}的等次 grade 只能是 ${describeGrades(info)}`, 'honour-grade', at('grade'));
      }
    } else if (h.grade !== undefined) {
      custom(ctx, `${info.name}没有等次，请删除 grade`, 'honour-grade-not-applicable', at('grade'));
    }
    if (info.issuer && h.issuer === undefined) {
      custom(ctx, `${info.name}须填写授予单位类别 issuer：central-soe-l2（中央企业二级（省级）以上单位）或 fortune-global-500（世界500强企业）`, 'honour-issuer-required', at('issuer'));
    } else if (!info.issuer && h.issuer !== undefined) {
      custom(ctx, `${info.name}不填写 issuer，请删除`, 'honour-issuer-not-applicable', at('issuer'));
    }
    if (h.headCoach !== undefined && !info.headCoach) {
      custom(ctx, 'headCoach 仅适用于教练（type 为 coach）', 'honour-head-coach-not-applicable', at('headCoach'));
    }
  });
}

function describeGrades(info: HonourTypeInfo): string {
  return info.grades!.values.map((v) => `${v}（${info.grades!.names[v]}）`).join('、');
}

export type Certificate = z.infer<typeof certificateSchema>;
export type Title = z.infer<typeof titleSchema>;
export type WorkPeriod = z.infer<typeof workPeriodSchema>;
export type Post = z.infer<typeof postSchema>;
export type Appointment = z.infer<typeof appointmentSchema>;
export type HonourRecord = z.infer<typeof honourSchema>;

/* ---------------------------------------------------------------------------------------------
 * zh-CN messages for zod's own issues, and issues → FieldIssue.
 * ------------------------------------------------------------------------------------------- */

const TYPE_NAMES: Record<string, string> = {
  string: '字符串',
  number: '数字',
  int: '整数',
  boolean: '布尔值（true 或 false）',
  array: '数组',
  object: '对象',
  null: 'null',
  date: '日期',
};

const typeOfInput = (input: unknown): string =>
  input === null ? 'null' : Array.isArray(input) ? 'array' : typeof input === 'number' && !Number.isFinite(input) ? 'number' : typeof input;

/** The per-parse error map: every zod issue code the schemas can raise, worded in zh-CN. */
export const zhCnErrorMap: z.core.$ZodErrorMap = (issue) => {
  switch (issue.code) {
    case 'invalid_type': {
      if (issue.input === undefined) return '缺少必填字段';
      const expected = TYPE_NAMES[issue.expected] ?? issue.expected;
      return `应为${expected}，实际为${TYPE_NAMES[typeOfInput(issue.input)] ?? typeOfInput(issue.input)}`;
    }
    case 'invalid_value':
      return `应为以下值之一：${issue.values.map((v) => JSON.stringify(v)).join('、')}`;
    case 'unrecognized_keys':
      return `不允许的字段：${issue.keys.join('、')}`;
    case 'too_small':
      if (issue.origin === 'string') return issue.minimum === 1 ? '不能为空' : `长度不能少于 ${issue.minimum} 个字符`;
      return `不能小于 ${issue.minimum}`;
    case 'too_big':
      if (issue.origin === 'string') return `长度不能超过 ${issue.maximum} 个字符`;
      return `不能大于 ${issue.maximum}`;
    case 'invalid_format':
      return '格式不正确';
    case 'not_multiple_of':
      return `应为 ${issue.divisor} 的倍数`;
    default:
      return '取值无效';
  }
};

const CODES: Record<string, string> = {
  invalid_type: 'type',
  invalid_value: 'enum',
  unrecognized_keys: 'unknown-field',
  too_small: 'range',
  too_big: 'range',
  invalid_format: 'format',
};

/** `['certificates', 0, 'obtainedOn']` → `certificates[0].obtainedOn`; the root is `(root)`. */
export function fieldPath(path: readonly PropertyKey[], prefix = ''): string {
  let out = prefix;
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out === '' ? String(p) : `.${String(p)}`;
  return out === '' ? '(root)' : out;
}

/** zod issues as FieldIssues: an unknown field is reported at its own path, one issue per field. */
export function fieldIssues(error: z.ZodError, prefix = '', rule = RECORD_RULE): FieldIssue[] {
  return error.issues.flatMap((issue): FieldIssue[] => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({
        field: fieldPath([...issue.path, key], prefix),
        message: '不允许的字段（请删除或检查拼写）',
        code: 'unknown-field',
        rule,
      }));
    }
    let code = CODES[issue.code] ?? 'invalid';
    if (issue.code === 'invalid_type' && issue.input === undefined) code = 'required';
    if (issue.code === 'too_small' && issue.origin === 'string') code = 'non-empty';
    const params = (issue as { params?: { code?: string; rule?: string } }).params;
    return [{ field: fieldPath(issue.path, prefix), message: issue.message, code: params?.code ?? code, rule: params?.rule ?? rule }];
  });
}

/** Validates with zh-CN messages; throws InputValidationError listing every problem. */
export function parseWith<T>(schema: z.ZodType<T>, input: unknown, options: { prefix?: string; rule?: string } = {}): T {
  const result = schema.safeParse(input, { error: zhCnErrorMap, reportInput: true });
  if (!result.success) throw new InputValidationError(fieldIssues(result.error, options.prefix, options.rule));
  return result.data;
}

/**
 * Validates an applicant record (see docs/eligibility.md); throws InputValidationError. `prefix` is
 * put before every field path (e.g. "applicant" when the record is nested in a request).
 */
export const parseApplicant = (input: unknown, options: ApplicantSchemaOptions & { prefix?: string } = {}): Applicant =>
  parseWith(makeApplicantSchema(options), input, { prefix: options.prefix });
