/**
 * Candidate groups of the user tasks (DOMAIN.md §6). They are Camunda 8.8 Identity group ids, which
 * allow only letters, digits and `_ @ . -` (at most 256 characters); the `enterprise:<code>:hr`
 * forms used before 8.8 are refused by Identity and retired.
 *
 * | who | group id |
 * |---|---|
 * | enterprise HR / review panel / 内督小组 | `enterprise-<creditCode>-hr` / `-panel` / `-oversight` |
 * | city HRSS / evaluation guidance agency | `city-<division code of the prefecture>` |
 * | provincial skills center / HRSS | `province-<2-digit code>` |
 * | operators | `operators` |
 *
 * The BPMN models that build a group in FEEL (`"city-" + substring(enterprise.divisionCode, 1, 4) +
 * "00"`) follow the same shapes; scripts/model-lint.ts refuses a literal with other characters.
 */

/** Camunda 8.8's rule for group ids (and user names / ids of Identity entities). */
export const GROUP_ID_PATTERN = /^[A-Za-z0-9_@.-]+$/;
export const GROUP_ID_MAX_LENGTH = 256;

/** Characters a Camunda 8.8 group id may hold (for messages). */
export const GROUP_ID_CHARACTERS = 'letters, digits and _ @ . -';

export const isValidGroupId = (id: unknown): boolean => typeof id === 'string' && id.length <= GROUP_ID_MAX_LENGTH && GROUP_ID_PATTERN.test(id);

/** Whether every character of `text` may appear in a group id (a fragment, e.g. a FEEL literal; may be empty). */
export const hasOnlyGroupIdCharacters = (text: string): boolean => /^[A-Za-z0-9_@.-]*$/.test(text);

export const ENTERPRISE_ROLES = ['hr', 'panel', 'oversight'] as const;
export type EnterpriseRole = (typeof ENTERPRISE_ROLES)[number];

export const OPERATORS_GROUP = 'operators';

/** `xxyyzz` → `xxyy00`: the prefecture (地级市) a division belongs to, the code of its `city-` group. */
export const cityCodeOf = (divisionCode: string): string => `${divisionCode.slice(0, 4)}00`;

/** `enterprise-<creditCode>-<role>`. */
export const enterpriseGroup = (creditCode: string, role: EnterpriseRole): string => `enterprise-${creditCode}-${role}`;

/** `city-<prefecture code>` for any division code in the prefecture. */
export const cityGroup = (divisionCode: string): string => `city-${cityCodeOf(divisionCode)}`;

/** `province-<2 digits>` from a 2-digit province code or any division code in the province. */
export const provinceGroup = (provinceOrDivisionCode: string): string => `province-${provinceOrDivisionCode.slice(0, 2)}`;

export interface Groups {
  hr: string;
  panel: string;
  oversight: string;
  city: string;
  province: string;
}

/** The candidate groups of a campaign's user tasks, from its enterprise (the `groups` process variable). */
export function groupIds(enterprise: { creditCode: string; divisionCode: string; province?: string }): Groups {
  return {
    hr: enterpriseGroup(enterprise.creditCode, 'hr'),
    panel: enterpriseGroup(enterprise.creditCode, 'panel'),
    oversight: enterpriseGroup(enterprise.creditCode, 'oversight'),
    city: cityGroup(enterprise.divisionCode),
    province: provinceGroup(enterprise.province ?? enterprise.divisionCode),
  };
}

export type ParsedGroup =
  | { kind: 'enterprise'; creditCode: string; role: EnterpriseRole }
  | { kind: 'city'; cityCode: string }
  | { kind: 'province'; provinceCode: string }
  | { kind: 'operators' };

/** What a group id of DOMAIN.md §6 stands for; undefined for any other id. */
export function parseGroupId(id: string): ParsedGroup | undefined {
  let m = /^enterprise-([0-9A-Z]{18})-(hr|panel|oversight)$/.exec(id);
  if (m) return { kind: 'enterprise', creditCode: m[1]!, role: m[2] as EnterpriseRole };
  m = /^city-(\d{6})$/.exec(id);
  if (m) return { kind: 'city', cityCode: m[1]! };
  m = /^province-(\d{2})$/.exec(id);
  if (m) return { kind: 'province', provinceCode: m[1]! };
  if (id === OPERATORS_GROUP) return { kind: 'operators' };
  return undefined;
}
