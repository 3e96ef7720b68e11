import { describe, expect, it } from 'vitest';
import { compareLevels, isLevel, LEVEL_NAMES, LEVELS, rank } from '../../src/domain/levels.js';

describe('levels (001 附件1)', () => {
  it('orders the eight levels from 学徒工 to 首席技师', () => {
    expect(LEVELS.map((l) => LEVEL_NAMES[l])).toEqual(['学徒工', '初级工', '中级工', '高级工', '技师', '高级技师', '特级技师', '首席技师']);
    expect(compareLevels('T', '1')).toBeGreaterThan(0);
    expect(compareLevels('2', '1')).toBeLessThan(0);
    expect(rank('S')).toBe(7);
    expect(rank('X')).toBe(0);
  });

  it('knows the level characters and nothing else', () => {
    for (const l of ['X', '5', '1', 'T', 'S']) expect(isLevel(l)).toBe(true);
    for (const l of ['0', '6', 't', '', 1]) expect(isLevel(l)).toBe(false);
  });
});
