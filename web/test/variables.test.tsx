// @vitest-environment jsdom
/** Task variables → what the page shows: the innermost scope's copy wins; identifiers stay masked. */
import { describe, expect, it } from 'vitest';
import { commonVariables, ensureMasked, innermostVariables, summarize } from '../src/tasklist/variables';

describe('innermostVariables', () => {
  it('takes each name from the highest scopeKey, compared as 64-bit integers, and parses the JSON', () => {
    const vars = innermostVariables([
      { name: 'note', value: '"process"', scopeKey: '2251799813685355' },
      { name: 'note', value: '"task"', scopeKey: '2251799813685399' },
      { name: 'note', value: '"body"', scopeKey: '2251799813685380' },
      // beyond 2^53, where Number would call these equal
      { name: 'big', value: '1', scopeKey: '9007199254740993' },
      { name: 'big', value: '2', scopeKey: '9007199254740992' },
      { name: 'campaign', value: '{"id":"GD-2026-T-01","year":2026}', scopeKey: '1' },
      { name: 'raw', value: 'not json', scopeKey: '1' },
    ]);
    expect(vars).toEqual({ note: 'task', big: 1, campaign: { id: 'GD-2026-T-01', year: 2026 }, raw: 'not json' });
  });

  it('does not depend on the order of the answer', () => {
    const a = [
      { name: 'x', value: '"inner"', scopeKey: '20' },
      { name: 'x', value: '"outer"', scopeKey: '3' },
    ];
    expect(innermostVariables(a).x).toBe('inner');
    expect(innermostVariables([...a].reverse()).x).toBe('inner');
  });
});

describe('summarize', () => {
  const candidates = [
    { applicationId: 'APP-1', name: '陈伟强', idNumberMasked: '4403**********1234', occupation: { name: '数控车工', code: '6-18-01-01' } },
    { applicationId: 'APP-2', name: '何丽娟', idNumberMasked: '440305198001011234', occupation: null },
  ];

  it('names the campaign, the candidate of this task (masked) and the enterprise', () => {
    const s = summarize({
      campaign: { id: 'GD-2026-T-01', year: 2026, jurisdiction: 'guangdong', level: 'T' },
      applicationId: 'APP-1',
      candidates,
      enterprise: { name: '深圳市鹏城智能装备制造有限公司', creditCode: '91440300792587136M', divisionCode: '440300' },
    });
    expect(s.campaign).toEqual({ id: 'GD-2026-T-01', year: 2026, jurisdiction: 'guangdong', level: 'T', label: '2026 年 · 广东省 · 特级技师' });
    expect(s.candidate).toEqual({ applicationId: 'APP-1', name: '陈伟强', idNumberMasked: '4403**********1234', occupation: '数控车工（6-18-01-01）' });
    expect(s.enterprise).toEqual({ name: '深圳市鹏城智能装备制造有限公司', creditCode: '91440300792587136M' });
  });

  it('never shows an ID number in clear, even when a variable holds one', () => {
    const s = summarize({ applicationId: 'APP-2', candidates });
    expect(s.candidate?.idNumberMasked).toBe('4403**********1234');
    expect(JSON.stringify(s)).not.toContain('440305198001011234');
    expect(ensureMasked('4403**********1234')).toBe('4403**********1234');
    expect(ensureMasked('1234567')).toBe('*******');
  });

  it('uses the innermost copy when the scopes disagree', () => {
    const vars = innermostVariables([
      { name: 'applicationId', value: '"APP-1"', scopeKey: '10' },
      { name: 'applicationId', value: '"APP-2"', scopeKey: '30' },
      { name: 'candidates', value: JSON.stringify(candidates), scopeKey: '10' },
    ]);
    expect(summarize(vars).candidate?.name).toBe('何丽娟');
  });

  it('falls back to campaignId, and leaves out what is not there', () => {
    expect(summarize({ campaignId: 'FJ-2026-S-02' })).toEqual({ campaign: { id: 'FJ-2026-S-02', year: undefined, jurisdiction: undefined, level: undefined, label: '' } });
    expect(summarize({})).toEqual({});
    expect(summarize({ applicationId: 'APP-9', candidates }).candidate).toEqual({ applicationId: 'APP-9', name: undefined, idNumberMasked: undefined, occupation: undefined });
  });
});

describe('commonVariables', () => {
  it('keeps what every task has with the same value (the bulk form data)', () => {
    expect(
      commonVariables([
        { campaign: { id: 'C' }, applicationId: 'A1', itemScores: [{ key: 'k' }] },
        { campaign: { id: 'C' }, applicationId: 'A2', itemScores: [{ key: 'k' }] },
      ]),
    ).toEqual({ campaign: { id: 'C' }, itemScores: [{ key: 'k' }] });
    expect(commonVariables([])).toEqual({});
  });
});
