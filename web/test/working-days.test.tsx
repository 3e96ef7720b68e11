// @vitest-environment jsdom
/** The due-date badge: 剩余 N 个工作日, 今日到期, 已逾期 N 个工作日 in red. */
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render, screen } from '@testing-library/react';
import { dueDay, dueState, WorkingDaysBadge } from '../src/tasklist/workingDays';

afterEach(cleanup);

describe('WorkingDaysBadge', () => {
  it('shows the working days left', () => {
    render(<WorkingDaysBadge workingDaysLeft={5} />);
    const badge = screen.getByText('剩余 5 个工作日');
    expect(badge.getAttribute('data-overdue')).toBeNull();
  });

  it('shows 今日到期 on the due day', () => {
    render(<WorkingDaysBadge workingDaysLeft={0} />);
    expect(screen.getByText('今日到期')).toBeTruthy();
  });

  it('shows overdue working days in red', () => {
    render(<WorkingDaysBadge workingDaysLeft={-3} />);
    const badge = screen.getByText('已逾期 3 个工作日');
    expect(badge.getAttribute('data-overdue')).toBe('true');
    expect(badge.className).toMatch(/red/);
  });

  it('shows nothing when the server did not say', () => {
    const { container } = render(<WorkingDaysBadge workingDaysLeft={undefined} />);
    expect(container.textContent).toBe('');
  });
});

describe('dueState and dueDay', () => {
  it('colours by urgency', () => {
    expect(dueState(-1)).toEqual({ text: '已逾期 1 个工作日', overdue: true, color: 'red' });
    expect(dueState(1)?.color).toBe('orange');
    expect(dueState(10)?.color).toBe('blue');
  });
  it('asks for the local calendar day of a due timestamp', () => {
    const local = new Date(2026, 11, 10, 23, 30);
    expect(dueDay(local.toISOString())).toBe('2026-12-10');
    expect(dueDay(undefined)).toBeUndefined();
    expect(dueDay('garbage')).toBeUndefined();
  });
});
