/**
 * Test helpers: independent implementations of the check-character formulas, written from the
 * standards' definitions (not from src/domain), so that tests build real-format identifiers
 * instead of hard-coding values nobody can verify.
 */

/** GB 11643-1999 / ISO 7064 MOD 11-2: Wᵢ = 2^(i−1) mod 11 counted from the right (check char i = 1). */
export function idCheck(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const positionFromRight = 18 - i; // position 1 is the check character
    const weight = 2 ** (positionFromRight - 1) % 11;
    sum += Number(first17[i]) * weight;
  }
  const value = (12 - (sum % 11)) % 11;
  return value === 10 ? 'X' : String(value);
}

/** A resident ID number: address code, birth date `YYYYMMDD`, 3-digit sequence, computed check. */
export const makeId = (address: string, birth: string, sequence: string): string => {
  const body = `${address}${birth}${sequence}`;
  if (!/^\d{17}$/.test(body)) throw new Error(`bad test id body ${body}`);
  return body + idCheck(body);
};

/** A check character that is *not* the right one. */
export const wrongCheck = (right: string): string => (right === '0' ? '1' : '0');

const CC_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';

/** GB 32100-2015: Wᵢ = 3^(i−1) mod 31, C18 = 31 − (Σ Cᵢ·Wᵢ mod 31), 31 → 0. */
export function creditCheck(first17: string): string {
  let sum = 0;
  let weight = 1;
  for (let i = 0; i < 17; i++) {
    sum += CC_CHARS.indexOf(first17[i] as string) * weight;
    weight = (weight * 3) % 31;
  }
  const c = 31 - (sum % 31);
  return CC_CHARS[c === 31 ? 0 : c] as string;
}

/** GB 11714-1997: weights 3 7 9 10 5 8 4 2, C9 = 11 − (Σ mod 11); 10 → X, 11 → 0. */
export function orgCheck(first8: string): string {
  const weights = [3, 7, 9, 10, 5, 8, 4, 2];
  let sum = 0;
  for (let i = 0; i < 8; i++) {
    const ch = first8[i] as string;
    const v = ch >= '0' && ch <= '9' ? Number(ch) : ch.charCodeAt(0) - 55;
    sum += v * (weights[i] as number);
  }
  const c = 11 - (sum % 11);
  return c === 10 ? 'X' : c === 11 ? '0' : String(c);
}

/** A credit code from authority+category, division and 8-char organization body, both checks computed. */
export const makeCreditCode = (authorityCategory: string, division: string, orgBody: string): string => {
  const first17 = `${authorityCategory}${division}${orgBody}${orgCheck(orgBody)}`;
  return first17 + creditCheck(first17);
};

/** Day of the week of a `YYYY-MM-DD`, 0 = Sunday. */
export const weekday = (date: string): number => new Date(`${date}T00:00:00Z`).getUTCDay();

/** Every date from `from` to `to`, inclusive. */
export function datesBetween(from: string, to: string): string[] {
  const out: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += 86_400_000) out.push(new Date(t).toISOString().slice(0, 10));
  return out;
}
