/**
 * The eight-level skill ladder (001 附件1; DOMAIN.md §2): 学徒工 < 初级工 < 中级工 < 高级工 < 技师 <
 * 高级技师 < 特级技师 < 首席技师. The identifier is also the level character in certificate codes
 * (001 附件1 注2; 002 五(一)5; 003 四(三)).
 */
export const LEVELS = ['X', '5', '4', '3', '2', '1', 'T', 'S'] as const;
export type Level = (typeof LEVELS)[number];

export const LEVEL_NAMES: Record<Level, string> = {
  X: '学徒工',
  '5': '初级工',
  '4': '中级工',
  '3': '高级工',
  '2': '技师',
  '1': '高级技师',
  T: '特级技师',
  S: '首席技师',
};

export const isLevel = (value: unknown): value is Level => typeof value === 'string' && (LEVELS as readonly string[]).includes(value);

/** Position on the ladder, 0 for 学徒工 up to 7 for 首席技师. */
export const rank = (level: Level): number => LEVELS.indexOf(level);

/** Negative when a is below b, 0 when equal, positive when above. */
export const compareLevels = (a: Level, b: Level): number => rank(a) - rank(b);

/** 特级技师 and 首席技师 are appointed posts above 高级技师, not general promotions (003 六(三); 001 四(六)). */
export const APPOINTED_LEVELS = ['T', 'S'] as const satisfies readonly Level[];
export type AppointedLevel = (typeof APPOINTED_LEVELS)[number];
