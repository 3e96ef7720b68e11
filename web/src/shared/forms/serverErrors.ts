/**
 * Server-side field errors (`fields: [{name: 'itemScores[0].score', label, message}]`) placed on the
 * form-js field they name, the way form-js places its own validation errors: state.errors keyed by
 * field id, then by the repeat indexes (form-js Form#validate).
 */
import type { ProblemField } from '../api/errors';

export type PathSegment = string | number;

/** 'itemScores[0].score' → ['itemScores', 0, 'score']; 'a.b' → ['a', 'b']. */
export function parseFieldName(name: string): PathSegment[] {
  const out: PathSegment[] = [];
  for (const part of name.split('.')) {
    const re = /([^[\]]+)|\[(\d+)\]/g;
    let m: RegExpExecArray | null;
    while ((m = re.exec(part))) out.push(m[2] !== undefined ? Number(m[2]) : m[1]!);
  }
  return out;
}

export interface KeyedFieldInstance {
  id: string;
  valuePath: PathSegment[];
  indexes?: Record<string, number> | null;
}

export type FormErrors = Record<string, unknown>;

function samePath(a: readonly PathSegment[], b: readonly PathSegment[]): boolean {
  return a.length === b.length && a.every((s, i) => String(s) === String(b[i]));
}

function setAt(target: Record<string, unknown>, path: readonly (string | number)[], value: string[]): void {
  let cur: Record<string, unknown> = target;
  path.forEach((seg, i) => {
    const k = String(seg);
    if (i === path.length - 1) {
      const existing = cur[k];
      cur[k] = Array.isArray(existing) ? [...(existing as string[]), ...value] : value;
    } else {
      if (!cur[k] || typeof cur[k] !== 'object') cur[k] = {};
      cur = cur[k] as Record<string, unknown>;
    }
  });
}

/** The errors to give form-js, and the fields no rendered field matches (shown above the form). */
export function placeServerErrors(fields: readonly ProblemField[], instances: readonly KeyedFieldInstance[]): { errors: FormErrors; unplaced: ProblemField[] } {
  const errors: FormErrors = {};
  const unplaced: ProblemField[] = [];
  for (const f of fields) {
    const path = parseFieldName(f.name);
    const instance = instances.find((i) => samePath(i.valuePath, path));
    if (!instance) {
      unplaced.push(f);
      continue;
    }
    setAt(errors, [instance.id, ...Object.values(instance.indexes ?? {})], [f.message]);
  }
  return { errors, unplaced };
}
