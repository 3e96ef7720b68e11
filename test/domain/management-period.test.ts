import { describe, expect, it } from 'vitest';
import { managementPeriodDates } from '../../src/domain/management-period.js';

describe('management period dates (001 四(八); 附件4 第一条、第五条)', () => {
  it('starts on the 1st of the month after the approval and runs three years', () => {
    expect(managementPeriodDates('2026-06-15')).toEqual({
      startOn: '2026-07-01',
      endOn: '2029-06-30',
      assessmentsDue: [
        { year: 1, dueOn: '2027-07-01' },
        { year: 2, dueOn: '2028-07-01' },
        { year: 3, dueOn: '2029-07-01' },
      ],
      finalAssessmentDueOn: '2029-07-01',
    });
  });

  it('an approval on the 1st still starts next month; a December approval starts in January', () => {
    expect(managementPeriodDates('2026-07-01').startOn).toBe('2026-08-01');
    expect(managementPeriodDates('2026-12-31')).toMatchObject({ startOn: '2027-01-01', endOn: '2029-12-31', finalAssessmentDueOn: '2030-01-01' });
  });

  it('a period starting in March ends on the last day of February, leap year or not', () => {
    expect(managementPeriodDates('2025-02-10').endOn).toBe('2028-02-29');
    expect(managementPeriodDates('2026-02-10').endOn).toBe('2029-02-28');
  });
});
