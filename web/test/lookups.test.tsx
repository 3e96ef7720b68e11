// @vitest-environment jsdom
/**
 * Names and summaries instead of ids: each id asked for once (a list refreshed every 15 s asks only
 * for what is new on it), at most the server's limit per request, the id shown while nothing is
 * known; and the summary line of a row. Also where the diagram opens on the current step.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { act, cleanup, render, screen } from '@testing-library/react';

const { names, summaries } = vi.hoisted(() => ({
  names: vi.fn(async (groups: readonly string[], users: readonly string[]) => ({
    groups: Object.fromEntries(groups.filter((g) => g !== 'unknown-group').map((g) => [g, `组${g}`])),
    users: Object.fromEntries(users.filter((u) => u !== 'stranger').map((u) => [u, `名${u}`])),
  })),
  summaries: vi.fn(async (keys: readonly string[]) => ({ items: Object.fromEntries(keys.map((k) => [k, { candidateName: `人${k}`, campaignId: '2026-sichuan-T' }])) })),
}));
vi.mock('../src/shared/api/instance', () => ({ api: { names, summaries } }));

const { summaryText, useNames, useSummaries } = await import('../src/tasklist/lookups');
const { centredViewbox } = await import('../src/tasklist/Diagram');

afterEach(cleanup);

function Row({ groups, users, keys }: { groups: string[]; users: string[]; keys: string[] }) {
  const n = useNames(groups, users);
  const summaryOf = useSummaries(keys);
  return (
    <ul>
      {groups.map((g) => (
        <li key={g}>{n.group(g)}</li>
      ))}
      {users.map((u) => (
        <li key={u}>{n.user(u)}</li>
      ))}
      {keys.map((k) => (
        <li key={k}>{summaryText(summaryOf(k))?.text ?? k}</li>
      ))}
    </ul>
  );
}

describe('useNames and useSummaries', () => {
  it('show names once they arrive, the id otherwise, and ask for each id once', async () => {
    const view = render(<Row groups={['g1', 'unknown-group']} users={['u1', 'stranger']} keys={['1', '2']} />);
    expect(screen.getByText('g1')).toBeTruthy();
    await act(async () => {});
    expect(screen.getByText('组g1')).toBeTruthy();
    expect(screen.getByText('unknown-group')).toBeTruthy();
    expect(screen.getByText('名u1')).toBeTruthy();
    expect(screen.getByText('stranger')).toBeTruthy();
    expect(screen.getByText('人1 · 2026-sichuan-T')).toBeTruthy();
    expect(names).toHaveBeenCalledTimes(1);
    expect(names).toHaveBeenCalledWith(['g1', 'unknown-group'], ['u1', 'stranger']);
    expect(summaries).toHaveBeenCalledTimes(1);

    // A refresh with one new task and one new person asks only for those.
    view.rerender(<Row groups={['g1', 'unknown-group']} users={['u1', 'stranger', 'u2']} keys={['1', '2', '3']} />);
    await act(async () => {});
    expect(summaries).toHaveBeenLastCalledWith(['3']);
    expect(names).toHaveBeenLastCalledWith([], ['u2']);
    expect(screen.getByText('名u2')).toBeTruthy();
    expect(names).toHaveBeenCalledTimes(2);
  });

  it('ask for at most 100 tasks at a time', async () => {
    summaries.mockClear();
    const keys = Array.from({ length: 150 }, (_, i) => String(1000 + i));
    render(<Row groups={[]} users={[]} keys={keys} />);
    await act(async () => {});
    expect(summaries.mock.calls.map((c) => c[0].length)).toEqual([100, 50]);
    expect(screen.getByText('人1149 · 2026-sichuan-T')).toBeTruthy();
  });
});

describe('summaryText', () => {
  it('says who and which campaign, the rest in the title', () => {
    expect(summaryText({ candidateName: '王建川', applicationId: 'APP-1', enterpriseName: '四川天府航空动力装备有限公司', campaignId: '2026-sichuan-T', campaignLabel: '2026 年 · 四川省 · 特级技师' })).toEqual({
      who: '王建川',
      campaign: '2026-sichuan-T',
      text: '王建川 · 2026-sichuan-T',
      title: '参评人员 王建川（申报编号 APP-1）；企业 四川天府航空动力装备有限公司；评聘活动 2026 年 · 四川省 · 特级技师，编号 2026-sichuan-T',
    });
    expect(summaryText({ enterpriseName: '四川天府航空动力装备有限公司', campaignId: '2026-sichuan-T' })?.text).toBe('四川天府航空动力装备有限公司 · 2026-sichuan-T');
    expect(summaryText({ campaignId: 'FJ-PLAN' })).toMatchObject({ campaign: 'FJ-PLAN', text: 'FJ-PLAN' });
    expect(summaryText({})).toBeUndefined();
    expect(summaryText(undefined)).toBeUndefined();
  });
});

describe('centredViewbox', () => {
  it('puts the step in the middle of the viewport at full size', () => {
    expect(centredViewbox({ x: 1000, y: 200, width: 100, height: 80 }, { width: 400, height: 300 })).toEqual({ x: 850, y: 90, width: 400, height: 300 });
    expect(centredViewbox({ x: 0, y: 0, width: 100, height: 80 }, { width: 400, height: 300 }, 2)).toEqual({ x: -50, y: -35, width: 200, height: 150 });
  });
});
