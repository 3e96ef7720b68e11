/**
 * The bilingual messages of the workers: every message a worker gives about a variable or a refusal
 * says it in Chinese and English, `中文 / English`, e.g. `评聘活动编号不能为空 / campaign.id must not
 * be empty`; the runtime prefixes a schema message with the variable's path.
 */
import { NonRetryableError } from '../runtime.js';

/** "中文 / English": the form of every message a worker gives about a variable. */
export const bi = (zh: string, en: string): string => `${zh} / ${en}`;

/** zod `error` option: the variable is missing or of the wrong type (zh-CN / English). */
export const typeError = (zh: string, en: string) => ({
  error: (issue: { input?: unknown; expected?: unknown }) =>
    issue.input === undefined || issue.input === null
      ? `缺少${zh} / ${en} is missing`
      : `${zh}类型不对，应为 ${String(issue.expected)} / ${en} must be of type ${String(issue.expected)}`,
});

/** The jurisdictions as the workers' messages name them. */
export const JURISDICTION_NAMES = { national: '全国试点', guangdong: '广东省', fujian: '福建省', sichuan: '四川省' } as const;

/** A job that cannot succeed by retrying (bad or contradictory variables, a registry refusal): throw it. */
export const refuse = (zh: string, en: string): NonRetryableError => new NonRetryableError(bi(zh, en));
