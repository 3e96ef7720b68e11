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

/**
 * The levels a unit may recognize directly (直接认定): 初级工 to 高级技师 (001 附件2 一(三)). 特级技师
 * and 首席技师 are never recognized directly; they are appointed (评聘).
 */
export const RECOGNITION_LEVELS = ['5', '4', '3', '2', '1'] as const satisfies readonly Level[];
export type RecognitionLevel = (typeof RECOGNITION_LEVELS)[number];

/**
 * What a campaign in the registry is: an `appraisal` (评聘) of 特级技师 / 首席技师 (levels T, S), or a
 * Sichuan direct-recognition round (`recognition`, 直接认定, 001 附件2) of levels 5…1.
 */
export const CAMPAIGN_KINDS = ['appraisal', 'recognition'] as const;
export type CampaignKind = (typeof CAMPAIGN_KINDS)[number];
export const LEVELS_OF_KIND: Record<CampaignKind, readonly Level[]> = { appraisal: APPOINTED_LEVELS, recognition: RECOGNITION_LEVELS };
