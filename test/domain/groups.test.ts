/** Candidate groups as Camunda 8.8 group ids (src/domain/groups.ts, DOMAIN.md §6). */
import { describe, expect, it } from 'vitest';
import { cityCodeOf, cityGroup, enterpriseGroup, groupIds, isValidGroupId, parseGroupId, provinceGroup } from '../../src/domain/groups.js';

const enterprise = { creditCode: '91440300792587136M', divisionCode: '440305', province: '44' };

describe('candidate groups (DOMAIN.md §6)', () => {
  it('builds the groups of an enterprise', () => {
    expect(groupIds(enterprise)).toEqual({
      hr: 'enterprise-91440300792587136M-hr',
      panel: 'enterprise-91440300792587136M-panel',
      oversight: 'enterprise-91440300792587136M-oversight',
      city: 'city-440300',
      province: 'province-44',
    });
    expect(groupIds({ creditCode: 'X', divisionCode: '510107' }).province).toBe('province-51');
    expect(enterpriseGroup('91350100M000100Y43', 'oversight')).toBe('enterprise-91350100M000100Y43-oversight');
    expect(cityCodeOf('350102')).toBe('350100');
    expect(cityGroup('350100')).toBe('city-350100');
    expect(provinceGroup('35')).toBe('province-35');
    expect(provinceGroup('350102')).toBe('province-35');
  });

  it('every group it builds is a valid Camunda 8.8 group id', () => {
    for (const id of [...Object.values(groupIds(enterprise)), 'operators']) expect(isValidGroupId(id), id).toBe(true);
  });

  it('applies 8.8’s rule: letters, digits and _ @ . -, at most 256 characters', () => {
    expect(isValidGroupId('a_b@c.d-e')).toBe(true);
    expect(isValidGroupId('x'.repeat(256))).toBe(true);
    expect(isValidGroupId('x'.repeat(257))).toBe(false);
    for (const id of ['', 'enterprise:91440300792587136M:hr', 'city:440300', 'province:44', 'a b', 'a/b', '企业', 'a+b']) expect(isValidGroupId(id), id).toBe(false);
    expect(isValidGroupId(undefined)).toBe(false);
  });

  it('reads a group id back', () => {
    expect(parseGroupId('enterprise-91440300792587136M-panel')).toEqual({ kind: 'enterprise', creditCode: '91440300792587136M', role: 'panel' });
    expect(parseGroupId('city-440300')).toEqual({ kind: 'city', cityCode: '440300' });
    expect(parseGroupId('province-44')).toEqual({ kind: 'province', provinceCode: '44' });
    expect(parseGroupId('operators')).toEqual({ kind: 'operators' });
    expect(parseGroupId('enterprise:91440300792587136M:hr')).toBeUndefined();
    expect(parseGroupId('city:440300')).toBeUndefined();
  });
});
