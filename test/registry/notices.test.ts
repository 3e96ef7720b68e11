import { describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError, ValidationError } from '../../src/registry/index.js';
import { backends, BY, campaign, clock, enterprise, fileObjection, harness, idNumber, rejection } from './support.js';

// DOMAIN.md §4: posted Monday 2026-09-28, 5 working days → ends 2026-10-09 23:59:59+08:00.
const WINDOW = { windowStart: '2026-09-28', windowEnd: '2026-10-09', endsAt: '2026-10-09T15:59:59.000Z' };

describe.each(backends())('notices and objections on $name', (b) => {
  const h = harness(b);

  async function setup(c = clock('2026-09-27T02:00:00.000Z')) {
    const { registry, store } = await h.fresh(c);
    const e = await enterprise(registry, 1);
    const cmp = await campaign(registry, e.creditCode, { batch: 2, deadline: '2026-10-30' });
    const person = idNumber(21, '19750505');
    const app = await registry.applications.create({ campaignId: cmp.id, level: 'T', applicant: { name: '陈七', idNumber: person }, by: BY });
    return { registry, store, c, cmp, app, person };
  }

  it('masks personal data in the published list and refuses a clear ID number elsewhere', async () => {
    const { registry, store, cmp, app, person } = await setup();
    const notice = await registry.notices.create({
      campaignId: cmp.id,
      kind: 'proposed',
      ...WINDOW,
      entries: [{ name: '陈七', idNumber: person, phone: '13812345678', level: 'T', occupation: { code: '6-18-01-01', name: '车工' }, applicationId: app.id }],
      by: BY,
    });
    expect(notice.status).toBe('draft');
    expect(notice.entries).toEqual([
      { name: '陈七', idNumber: `${person.slice(0, 4)}**********${person.slice(14)}`, phone: '138****5678', level: 'T', occupation: { code: '6-18-01-01', name: '车工' }, applicationId: app.id },
    ]);
    const raw = await h.raw(store, 'SELECT entries FROM notices');
    expect(JSON.stringify(raw)).not.toContain(person);
    expect(JSON.stringify(raw)).not.toContain('13812345678');

    const leak = await rejection(registry.notices.create({ campaignId: cmp.id, kind: 'proposed', ...WINDOW, entries: [{ name: '陈七', remark: `身份证 ${person}` }], by: BY }));
    expect((leak as ValidationError).issues).toEqual([{ field: 'entries.0.remark', rule: 'looks like a clear ID number: pass it as idNumber, which is masked before it is stored' }]);
    const nested = await rejection(registry.notices.create({ campaignId: cmp.id, kind: 'proposed', ...WINDOW, entries: [{ name: 'x' }, { name: 'y', docs: [{ id: person }] }], by: BY }));
    expect((nested as ValidationError).issues[0]!.field).toBe('entries.1.docs.0.id');
    const kind = await rejection(registry.notices.create({ campaignId: cmp.id, kind: 'gossip' as never, ...WINDOW, entries: [], by: BY }));
    expect((kind as ValidationError).issues).toEqual([{ field: 'kind', rule: 'must be one of plan, candidates, proposed, results, chief-list' }]);
    const window = await rejection(
      registry.notices.create({ campaignId: cmp.id, kind: 'results', windowStart: '2026-10-09', windowEnd: '2026-09-28', endsAt: '2026-10-09T16:00:00.000Z', entries: [], by: BY }),
    );
    expect((window as ValidationError).issues).toEqual([
      { field: 'windowEnd', rule: 'must not be before windowStart' },
      { field: 'endsAt', rule: 'must fall on windowEnd in Asia/Shanghai (e.g. 23:59:59+08:00 of that day)' },
    ]);
    await expect(registry.notices.create({ campaignId: 'nope', kind: 'plan', ...WINDOW, entries: [], by: BY })).rejects.toBeInstanceOf(NotFoundError);
    expect(await registry.notices.list({ campaignId: cmp.id })).toEqual([notice]);
  });

  it('takes objections only while published and within the window, and closes only after it', async () => {
    const { registry, c, cmp, app } = await setup();
    const notice = await registry.notices.create({ campaignId: cmp.id, kind: 'proposed', ...WINDOW, entries: [{ name: '陈七' }], by: BY });
    await expect(registry.intake.file({ kind: 'objection', submissionNumber: 'early', noticeId: notice.id, contact: '13900000000', text: '不符合条件', by: 'public' })).rejects.toThrow(
      /is a draft: objections are received only once it is published/,
    );

    c.set('2026-09-28T00:30:00.000Z');
    const published = await registry.notices.publish({ id: notice.id, by: BY });
    expect(published).toMatchObject({ status: 'published', publishedAt: '2026-09-28T00:30:00.000Z' });
    await expect(registry.notices.publish({ id: notice.id, by: BY })).rejects.toBeInstanceOf(ConflictError);

    c.set('2026-10-09T15:59:59.000Z'); // the last second of the window
    const submission = await registry.intake.file({ kind: 'objection', submissionNumber: 'web-1', noticeId: notice.id, submitter: '王五', contact: 'wang@example.cn', text: '业绩材料不实', applicationId: app.id, by: 'public' });
    // Filed later (a worker that ran after the window): what counts is when the channel received it.
    c.set('2026-10-09T16:05:00.000Z');
    const objection = await registry.objections.file({ noticeId: notice.id, submissionId: submission.id, applicationId: app.id, by: 'public' });
    expect(objection).toMatchObject({ outcome: 'pending', receivedAt: '2026-10-09T15:59:59.000Z', applicationId: app.id, investigator: null, closedAt: null, submissionId: submission.id });
    expect(objection.submitterContact).toBe('王*（w***@example.cn）');
    expect(await registry.objections.bySubmission(submission.id)).toEqual(objection);
    // One objection per submission.
    await expect(registry.objections.file({ noticeId: notice.id, submissionId: submission.id, by: 'public' })).rejects.toThrow(`objections.file: submission ${submission.id} was already filed as objection ${objection.id}`);

    // Another campaign's application cannot be the affected one, nor another than the submission names.
    const other = await campaign(registry, cmp.creditCode, { levels: ['S'] });
    const otherApp = await registry.applications.create({ campaignId: other.id, level: 'S', applicant: { name: '孙八', idNumber: idNumber(31) }, by: BY });
    const wrongApp = await rejection(registry.intake.file({ kind: 'objection', submissionNumber: 'web-2', noticeId: notice.id, contact: 'x', text: 'y', applicationId: otherApp.id, by: 'public' }));
    expect((wrongApp as ValidationError).issues).toEqual([{ field: 'applicationId', rule: `must be an application of campaign ${cmp.id}` }]);
    const unnamed = await registry.intake.file({ kind: 'objection', submissionNumber: 'web-3', noticeId: notice.id, contact: 'x', text: 'late', by: 'public' });
    const notNamed = await rejection(registry.objections.file({ noticeId: notice.id, submissionId: unnamed.id, applicationId: app.id, by: 'public' }));
    expect((notNamed as ValidationError).issues).toEqual([{ field: 'applicationId', rule: 'must be the application the submission names (none)' }]);
    // Received after the window: refused.
    await expect(registry.objections.file({ noticeId: notice.id, submissionId: unnamed.id, by: 'public' })).rejects.toThrow(
      `notice ${notice.id}: the publicity period ended at 2026-10-09T15:59:59.000Z; submission ${unnamed.id} was received at 2026-10-09T16:05:00.000Z`,
    );
    await expect(registry.objections.file({ noticeId: notice.id, submissionId: 'nope', by: 'public' })).rejects.toBeInstanceOf(NotFoundError);

    c.set('2026-10-09T15:59:59.000Z');
    await expect(registry.notices.close({ id: notice.id, by: BY })).rejects.toThrow(/runs until 2026-10-09T15:59:59.000Z; it cannot close earlier/);
    c.set('2026-10-09T16:00:00.000Z');

    const assigned = await registry.objections.assign({ id: objection.id, investigator: 'oversight:li', by: BY });
    expect(assigned.investigator).toBe('oversight:li');
    c.set('2026-10-12T03:00:00.000Z');
    const wrongDecide = await rejection(registry.objections.decide({ id: objection.id, outcome: 'rejected', resolution: 'x', applicationId: otherApp.id, by: 'oversight:li' }));
    expect((wrongDecide as ValidationError).issues).toEqual([{ field: 'applicationId', rule: `must be an application of the notice's campaign ${cmp.id}` }]);
    const decided = await registry.objections.decide({ id: objection.id, outcome: 'rejected', resolution: '经核查材料属实', by: 'oversight:li' });
    expect(decided).toMatchObject({ outcome: 'rejected', resolution: '经核查材料属实', closedAt: '2026-10-12T03:00:00.000Z', investigator: 'oversight:li' });
    await expect(registry.objections.decide({ id: objection.id, outcome: 'upheld', resolution: 'x', by: BY })).rejects.toThrow(/already closed \(rejected\)/);
    await expect(registry.objections.decide({ id: objection.id, outcome: 'maybe' as never, resolution: '', by: BY })).rejects.toBeInstanceOf(ValidationError);

    const closed = await registry.notices.close({ id: notice.id, by: BY });
    expect(closed).toMatchObject({ status: 'closed', closedAt: '2026-10-12T03:00:00.000Z' });
    expect(await registry.objections.list({ noticeId: notice.id })).toEqual([decided]);
    expect(await registry.objections.list({ noticeId: notice.id, outcome: 'pending' })).toEqual([]);
    expect(await registry.objections.get(objection.id)).toEqual(decided);
  });
});
