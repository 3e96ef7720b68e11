/**
 * Personal data in free text and contact fields: how to find it and how to show it masked.
 *
 * Personal data (a person's name with a contact, phone numbers, e-mail addresses, resident ID
 * numbers 公民身份号码) lives in the registry, encrypted; what travels in process variables and
 * messages is a reference and the masked forms made here (ARCHITECTURE.md, Security):
 * - mobile `13812345678` → `138****5678`; landline `010-12345678` → `010****5678`;
 * - e-mail `zhang@example.com` → `z***@example.com`;
 * - ID number → `4401**********123X` (validators.ts `maskIdNumber`);
 * - a name → its first character and one `*` per further character (at most three): `张*`, `王**`.
 *
 * An ID number is recognised in text as 17 digits and a check character whose positions 7–14 are a
 * real birth date (an all-digit credit code or order number rarely has one); a mobile number as
 * `1[3-9]` and 9 more digits, not inside a longer run of digits. No I/O: the registry, the workers
 * and the tests share these rules.
 */
import { compactDateToIso, maskIdNumber } from './validators.js';

export type PersonalDataKind = 'mobile' | 'landline' | 'email' | 'idNumber';

export interface PersonalDataHit {
  kind: PersonalDataKind;
  /** The text as found. */
  value: string;
  index: number;
}

const PATTERNS: ReadonlyArray<readonly [PersonalDataKind, RegExp]> = [
  ['idNumber', /(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])/g],
  ['mobile', /(?<!\d)1[3-9]\d{9}(?!\d)/g],
  ['landline', /(?<!\d)0\d{2,3}-\d{7,8}(?!\d)/g],
  ['email', /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+/g],
];

const NAMES_ZH: Record<PersonalDataKind, string> = { mobile: '手机号码', landline: '固定电话号码', email: '电子邮箱', idNumber: '公民身份号码' };
const NAMES_EN: Record<PersonalDataKind, string> = { mobile: 'a mobile number', landline: 'a landline number', email: 'an e-mail address', idNumber: 'a resident ID number' };

/** How a kind of personal data is named in messages: `['手机号码', 'a mobile number']`. */
export const personalDataName = (kind: PersonalDataKind): readonly [string, string] => [NAMES_ZH[kind], NAMES_EN[kind]];

/** A birth date at positions 7–14 (GB 11643): what tells an ID number from any 18 digits. */
const looksLikeIdNumber = (s: string): boolean => {
  const iso = compactDateToIso(s.slice(6, 14));
  return iso !== undefined && iso >= '1900-01-01';
};

/** Every mobile, landline, e-mail address and ID number in `text`, in order. */
export function findPersonalData(text: string): PersonalDataHit[] {
  const hits: PersonalDataHit[] = [];
  for (const [kind, pattern] of PATTERNS) {
    for (const m of text.matchAll(pattern)) {
      if (kind === 'idNumber' && !looksLikeIdNumber(m[0])) continue;
      hits.push({ kind, value: m[0], index: m.index });
    }
  }
  // A number inside an e-mail address (13812345678@139.com) is part of the address: found once, as it.
  const emails = hits.filter((h) => h.kind === 'email');
  return hits
    .filter((h) => h.kind === 'email' || !emails.some((e) => h.index >= e.index && h.index < e.index + e.value.length))
    .sort((a, b) => a.index - b.index);
}

/**
 * The first personal data in clear anywhere in a JSON-like value (strings, lists, objects), with
 * the path to it, e.g. `{path: ['objection', 'text'], kind: 'mobile', …}`; undefined when none.
 */
export function findPersonalDataIn(value: unknown, path: (string | number)[] = []): (PersonalDataHit & { path: (string | number)[] }) | undefined {
  if (typeof value === 'string') {
    const [hit] = findPersonalData(value);
    return hit && { ...hit, path };
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const hit = findPersonalDataIn(value[i], [...path, i]);
      if (hit) return hit;
    }
  } else if (value && typeof value === 'object') {
    for (const [k, x] of Object.entries(value)) {
      const hit = findPersonalDataIn(x, [...path, k]);
      if (hit) return hit;
    }
  }
  return undefined;
}

export const maskMobile = (mobile: string): string => `${mobile.slice(0, 3)}****${mobile.slice(-4)}`;

export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  return at <= 0 ? '***' : `${email.slice(0, 1)}***${email.slice(at)}`;
}

function maskHit(hit: PersonalDataHit): string {
  switch (hit.kind) {
    case 'idNumber':
      return maskIdNumber(hit.value.toUpperCase());
    case 'email':
      return maskEmail(hit.value);
    default:
      return maskMobile(hit.value);
  }
}

/** `text` with every mobile, landline, e-mail address and ID number in it masked; the rest as it was. */
export function maskPersonalData(text: string): string {
  let out = '';
  let at = 0;
  for (const hit of findPersonalData(text)) {
    out += text.slice(at, hit.index) + maskHit(hit);
    at = hit.index + hit.value.length;
  }
  return out + text.slice(at);
}

/**
 * A contact as it may be shown: the phone number, e-mail address or ID number in it masked; a contact
 * of another form (a WeChat id, an address) keeps its first 3 and last 4 characters when it has at
 * least 8, else only its first.
 */
export function maskContact(contact: string): string {
  const c = contact.trim();
  if (findPersonalData(c).length > 0) return maskPersonalData(c);
  const chars = [...c];
  if (chars.length >= 8) return `${chars.slice(0, 3).join('')}****${chars.slice(-4).join('')}`;
  return chars.length > 1 ? `${chars[0]}***` : '***';
}

/** A person's (or a unit's) name as it may be shown: `张*`, `王**`, `欧阳娜娜` → `欧***` (at most three `*`). */
export function maskName(name: string): string {
  const chars = [...name.trim()];
  if (chars.length <= 1) return '*';
  return `${chars[0]}${'*'.repeat(Math.min(chars.length - 1, 3))}`;
}
