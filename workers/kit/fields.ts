/**
 * zod field builders for job variables, with bilingual messages that name the variable: give the
 * Chinese name and the variable path, e.g. `idString('评聘活动编号 campaign.id', 'campaign.id')`.
 * (Schemas built with `jobVariables` take their names from `.describe()` instead: job-variables.ts.)
 */
import { z } from 'zod';
import { isValidDate } from '../../src/domain/periods.js';
import { bi } from './messages.js';

/** A `YYYY-MM-DD` date that exists in the calendar. */
export const dateString = (zh: string, en: string) =>
  z
    .string({ error: bi(`${zh}应为日期字符串 YYYY-MM-DD`, `${en} must be a date string YYYY-MM-DD`) })
    .regex(/^\d{4}-\d{2}-\d{2}$/, { error: bi(`${zh}应为日期 YYYY-MM-DD`, `${en} must be a date YYYY-MM-DD`) })
    .refine(isValidDate, { error: bi(`${zh}不是有效日期`, `${en} is not a valid calendar date`) });

/** A non-empty id (surrounding blanks trimmed). */
export const idString = (zh: string, en: string) =>
  z.string({ error: bi(`${zh}应为字符串`, `${en} must be a string`) }).trim().min(1, { error: bi(`${zh}不能为空`, `${en} must not be empty`) });

/** A list of application ids. */
export const idList = (zh: string, en: string) =>
  z.array(idString(`${zh}中的申报编号`, `every id in ${en}`), { error: bi(`${zh}应为申报编号列表`, `${en} must be a list of application ids`) });

/** The 22-character certificate code (DOMAIN.md §3): category, evaluator, site, year, level, serial. */
export const CERTIFICATE_CODE = /^[YS]\d{14}[X1-5TS]\d{6}$/;
