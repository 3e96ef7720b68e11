/**
 * Password hashing and policy. Hashes are scrypt (memory-hard; node:crypto has it, so no native
 * dependency): `scrypt$N$r$p$salt$hash`, base64. The policy is what 等保2.0 (GB/T 22239-2019,
 * 8.1.4.1 身份鉴别) asks of a password: at least 8 characters from at least 3 of the 4 classes.
 */
import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';

const scrypt = (password: string, salt: Buffer, keylen: number, options: ScryptOptions): Promise<Buffer> =>
  new Promise((resolve, reject) => scryptCb(password, salt, keylen, options, (err, key) => (err ? reject(err) : resolve(key))));

/** N = 2^15, r = 8: 32 MiB and ~0.1 s per hash on one core (OWASP's scrypt minimum is 2^17·8 /p=1 or this with more rounds). */
const DEFAULT_COST = { N: 2 ** 15, r: 8, p: 1 };
const KEY_LENGTH = 32;

export interface HashCost {
  N: number;
  r: number;
  p: number;
}

export async function hashPassword(password: string, cost: HashCost = DEFAULT_COST): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, KEY_LENGTH, { ...cost, maxmem: 256 * cost.N * cost.r });
  return `scrypt$${cost.N}$${cost.r}$${cost.p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [N, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  const salt = Buffer.from(parts[4]!, 'base64');
  const expected = Buffer.from(parts[5]!, 'base64');
  const key = await scrypt(password, salt, expected.length, { N, r, p, maxmem: 256 * N * r });
  return timingSafeEqual(key, expected);
}

const CLASSES: [RegExp, string][] = [
  [/[a-z]/, '小写字母'],
  [/[A-Z]/, '大写字母'],
  [/[0-9]/, '数字'],
  [/[^A-Za-z0-9]/, '符号'],
];

export const MIN_PASSWORD_LENGTH = 8;
export const MAX_PASSWORD_LENGTH = 128;

/** What is wrong with a new password, in Chinese for the person choosing it, or undefined when it passes. */
export function passwordPolicyViolation(password: string, username?: string): string | undefined {
  const length = [...password].length;
  if (length < MIN_PASSWORD_LENGTH) return `密码至少 ${MIN_PASSWORD_LENGTH} 个字符（现为 ${length} 个）`;
  if (length > MAX_PASSWORD_LENGTH) return `密码最多 ${MAX_PASSWORD_LENGTH} 个字符`;
  const present = CLASSES.filter(([re]) => re.test(password)).length;
  if (present < 3) return `密码须包含大写字母、小写字母、数字、符号四类中的至少三类（现为 ${present} 类）`;
  if (username && password.toLowerCase().includes(username.toLowerCase())) return '密码不能包含用户名';
  return undefined;
}

/** A random password that passes the policy (initial administrator, service accounts). */
export function generatePassword(): string {
  // 24 base64url characters (144 bits) plus one of each class, so the policy always holds.
  return `${randomBytes(18).toString('base64url')}aA1!`;
}
