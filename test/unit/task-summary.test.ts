/**
 * The line that tells tasks of one step apart (POST /api/tasklist/user-tasks/summaries): from the
 * variables a task sees, only campaign, enterprise and candidate, and never an ID number.
 */
import { describe, expect, it } from 'vitest';
import { taskSummaryOf } from '../../src/server/tasklist-routes.js';

describe('taskSummaryOf', () => {
  it('names the campaign (short region name), the enterprise and the candidate of the application', () => {
    expect(
      taskSummaryOf({
        campaign: { id: '2026-national-T', year: 2026, jurisdiction: 'national', level: 'T' },
        campaignId: 'ignored-when-campaign-has-an-id',
        enterprise: { name: '苏州精工数控机床股份有限公司', creditCode: '913205001377104686' },
        applicationId: 'APP-2',
        candidates: [
          { applicationId: 'APP-1', name: '甲' },
          { applicationId: 'APP-2', name: '乙', idNumberMasked: '3205**********0022' },
        ],
        idNumber: '320500199001010022',
      }),
    ).toEqual({ campaignId: '2026-national-T', campaignLabel: '2026 年 · 全国试点 · 特级技师', enterpriseName: '苏州精工数控机床股份有限公司', applicationId: 'APP-2', candidateName: '乙' });
  });

  it('says what there is, and nothing for what is missing or malformed', () => {
    expect(taskSummaryOf({ campaignId: 'GD-2026-S-01' })).toEqual({ campaignId: 'GD-2026-S-01' });
    expect(taskSummaryOf({ campaign: { id: 'x', level: 'S', jurisdiction: 'somewhere' } })).toEqual({ campaignId: 'x', campaignLabel: 'somewhere · 首席技师' });
    expect(taskSummaryOf({ applicationId: 'APP-9', candidates: 'not a list', enterprise: ['no'] })).toEqual({ applicationId: 'APP-9' });
    expect(taskSummaryOf({ campaign: null, enterprise: { name: '  ' }, applicationId: '' })).toEqual({});
  });
});
