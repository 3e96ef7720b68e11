// @vitest-environment jsdom
/** The task lists' filters → the 8.8 `POST /v2/user-tasks/search` body. */
import { describe, expect, it } from 'vitest';
import { buildSearch, dayStart, escapeLike, fromSavedFilter, toSavedFilter, DEFAULT_SORT, type TaskFilters } from '../src/tasklist/query';

const viewer = { username: 'clerk1', groups: ['city-440300', 'panel-a'] };
const page = { from: 40, limit: 20 };

describe('buildSearch', () => {
  it('我的待办: open tasks assigned to me, sorted with a stable tiebreak, paged', () => {
    expect(buildSearch('mine', {}, DEFAULT_SORT, page, viewer)).toEqual({
      filter: { state: 'CREATED', assignee: 'clerk1' },
      sort: [
        { field: 'dueDate', order: 'ASC' },
        { field: 'creationDate', order: 'ASC' },
      ],
      page: { from: 40, limit: 20 },
    });
  });

  it('待认领: open, unassigned, in any of my groups ($in)', () => {
    expect(buildSearch('unclaimed', {}, { field: 'priority', order: 'DESC' }, page, viewer)?.filter).toEqual({
      state: 'CREATED',
      assignee: { $exists: false },
      candidateGroup: { $in: ['city-440300', 'panel-a'] },
    });
  });

  it('待认领 with one group uses it directly; with no group the list is empty without asking', () => {
    expect(buildSearch('unclaimed', {}, DEFAULT_SORT, page, { username: 'u', groups: ['g'] })?.filter?.candidateGroup).toBe('g');
    expect(buildSearch('unclaimed', {}, DEFAULT_SORT, page, { username: 'u', groups: [] })).toBeNull();
  });

  it('待认领 filtered by one of my groups narrows to it; by another group matches nothing', () => {
    expect(buildSearch('unclaimed', { candidateGroup: 'panel-a' }, DEFAULT_SORT, page, viewer)?.filter?.candidateGroup).toBe('panel-a');
    expect(buildSearch('unclaimed', { candidateGroup: 'city-350100' }, DEFAULT_SORT, page, viewer)).toBeNull();
  });

  it('已完成: completed by me; 全部: no state, no assignee', () => {
    expect(buildSearch('completed', {}, DEFAULT_SORT, page, viewer)?.filter).toEqual({ state: 'COMPLETED', assignee: 'clerk1' });
    expect(buildSearch('all', {}, DEFAULT_SORT, page, viewer)?.filter).toEqual({});
  });

  it('puts every filter in the 8.8 shape: process, campaign and enterprise as JSON process variables, due dates as a range', () => {
    const filters: TaskFilters = {
      processDefinitionId: 'appraisal-guangdong',
      campaignId: ' GD-2026-T-01 ',
      creditCode: '91440300 792587136m',
      candidateGroup: 'city-440300',
      dueFrom: '2026-12-01',
      dueTo: '2026-12-10',
    };
    const body = buildSearch('all', filters, { field: 'followUpDate', order: 'DESC' }, { from: 0, limit: 50 }, viewer)!;
    expect(body.filter).toEqual({
      candidateGroup: 'city-440300',
      processDefinitionId: 'appraisal-guangdong',
      processInstanceVariables: [
        { name: 'campaignId', value: '"GD-2026-T-01"' },
        { name: 'enterprise', value: { $like: '*"creditCode":"91440300792587136M"*' } },
      ],
      dueDate: { $gte: dayStart('2026-12-01'), $lt: dayStart('2026-12-11') },
    });
    expect(body.sort).toEqual([
      { field: 'followUpDate', order: 'DESC' },
      { field: 'creationDate', order: 'ASC' },
    ]);
  });

  it('takes a due range open at either end, and the local day boundaries', () => {
    expect(buildSearch('all', { dueTo: '2026-12-10' }, DEFAULT_SORT, page, viewer)?.filter?.dueDate).toEqual({ $lt: new Date(2026, 11, 11).toISOString() });
    expect(buildSearch('all', { dueFrom: '2026-12-01' }, DEFAULT_SORT, page, viewer)?.filter?.dueDate).toEqual({ $gte: new Date(2026, 11, 1).toISOString() });
  });

  it('ignores blank filters and sorts by creation date without a duplicate tiebreak', () => {
    const body = buildSearch('mine', { campaignId: '  ', creditCode: '' }, { field: 'creationDate', order: 'DESC' }, page, viewer)!;
    expect(body.filter).toEqual({ state: 'CREATED', assignee: 'clerk1' });
    expect(body.sort).toEqual([{ field: 'creationDate', order: 'DESC' }]);
  });

  it('escapes the $like wildcards of a value', () => {
    expect(escapeLike('a*b?c\\d')).toBe('a\\*b\\?c\\\\d');
    expect(buildSearch('all', { creditCode: '9144*' }, DEFAULT_SORT, page, viewer)?.filter?.processInstanceVariables).toEqual([{ name: 'enterprise', value: { $like: '*"creditCode":"9144\\*"*' } }]);
  });
});

describe('saved filters', () => {
  it('keep the list, the non-blank filters and the order, and read back only what they know', () => {
    const saved = toSavedFilter('unclaimed', { campaignId: 'GD-2026-T-01', creditCode: ' ' }, { field: 'priority', order: 'DESC' });
    expect(saved).toEqual({ list: 'unclaimed', filters: { campaignId: 'GD-2026-T-01' }, sort: { field: 'priority', order: 'DESC' } });
    expect(fromSavedFilter(JSON.parse(JSON.stringify(saved)))).toEqual(saved);
    expect(fromSavedFilter({ list: 'nope', filters: { campaignId: 1, dueFrom: '2026-01-01', evil: 'x' }, sort: { field: 'name', order: 'ASC' } })).toEqual({ list: undefined, filters: { dueFrom: '2026-01-01' }, sort: undefined });
    expect(fromSavedFilter(null)).toEqual({ list: undefined, filters: {}, sort: undefined });
  });
});
