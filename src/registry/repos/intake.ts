/**
 * The intake (受理) of public submissions: objections against a publicity notice (异议) and fraud
 * reports against a campaign (弄虚作假举报). The channel that receives one (the public page, a
 * clerk taking a letter or a call) files it here first and publishes its message with the reference
 * and masked forms only, so the submitter's name and contact never enter process variables in clear
 * (ARCHITECTURE.md, Security):
 *
 *   const s = await registry.intake.file({kind: 'objection', submissionNumber, noticeId, submitter, contact, text, applicationId?, by});
 *   publish('publicity-objection', noticeId, {objection: {ref: s.id, submitterMasked, contactMasked, text: s.text, applicationId}})
 *
 * The name, contact and text as submitted are stored encrypted (`PersonalData.encrypt`); every
 * ordinary read returns the masked forms (`张*`, `138****5678`, the text with its phone numbers, e-mail
 * addresses and ID numbers masked). `getWithContact(id, by)` returns them in clear and writes an audit
 * entry, as `applications.getWithIdNumber` does for ID numbers.
 *
 * Filing is idempotent on the channel's submission number (受理编号): the same submission again returns
 * the row filed first (`submission.file-repeated`); another content under the number is a
 * ConflictError naming what differs. The objection itself is filed from the submission by
 * `objections.file({submissionId})`, which links the two (one objection per submission).
 */
import { randomUUID } from 'node:crypto';
import type { Selectable } from 'kysely';
import { z } from 'zod';
import { maskContact, maskName, maskPersonalData } from '../../domain/personal-data.js';
import type { Core, WriteContext } from '../core.js';
import type { SubmissionTable } from '../db.js';
import { ConflictError, NotFoundError, ValidationError } from '../errors.js';
import * as v from '../validation.js';
import { linkLegacyObjection } from './notices.js';

export { objectorDisplay } from './notices.js';

export const SUBMISSION_KINDS = ['objection', 'fraud-report'] as const;
export type SubmissionKind = (typeof SUBMISSION_KINDS)[number];

/** A submission as every ordinary read returns it: masked. */
export interface Submission {
  /** The reference the channel's message carries (`ref`). */
  id: string;
  kind: SubmissionKind;
  /** The channel's own submission number (受理编号), unique. */
  submissionNumber: string;
  /** The notice an objection is against. */
  noticeId: string | null;
  /** The campaign a fraud report is about. */
  campaignId: string | null;
  applicationId: string | null;
  /** The enterprise a fraud report names (统一社会信用代码). */
  creditCode: string | null;
  /** `张*`; null for an anonymous submitter. */
  submitterMasked: string | null;
  /** `138****5678`; null when none was given. */
  contactMasked: string | null;
  /** The text with phone numbers, e-mail addresses and ID numbers masked. */
  text: string;
  receivedAt: string;
}

/** What the privileged, audited read returns: the masked submission and the clear values. */
export interface SubmissionWithContact extends Submission {
  submitter: string | null;
  contact: string | null;
  /** The text as submitted. */
  textAsSubmitted: string;
}

const id = v.entityId;

const FileSubmissionSchema = z
  .object({
    kind: z.enum(SUBMISSION_KINDS, { error: `must be one of ${SUBMISSION_KINDS.join(', ')}` }),
    /** The channel's own number for the submission (受理编号): filing it again is a repeat. */
    submissionNumber: z.string().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters'),
    noticeId: id.optional(),
    campaignId: id.optional(),
    applicationId: id.optional(),
    creditCode: v.creditCode.optional(),
    /** The submitter's name or unit; absent for an anonymous submission. */
    submitter: v.text(50).optional(),
    contact: v.text(100).optional(),
    text: v.text(10_000),
    by: v.actor,
  })
  .strict()
  .superRefine((s, ctx) => {
    if (s.kind === 'objection') {
      if (s.noticeId === undefined) ctx.addIssue({ code: 'custom', path: ['noticeId'], message: 'is required for an objection (the notice it is against)' });
      if (s.campaignId !== undefined) ctx.addIssue({ code: 'custom', path: ['campaignId'], message: 'is not given for an objection: its notice names the campaign' });
      if (s.creditCode !== undefined) ctx.addIssue({ code: 'custom', path: ['creditCode'], message: 'is not given for an objection' });
      if (s.contact === undefined) ctx.addIssue({ code: 'custom', path: ['contact'], message: 'is required for an objection (the investigator answers the objector)' });
    } else {
      if (s.campaignId === undefined) ctx.addIssue({ code: 'custom', path: ['campaignId'], message: 'is required for a fraud report (the campaign it is about)' });
      if (s.noticeId !== undefined) ctx.addIssue({ code: 'custom', path: ['noticeId'], message: 'is not given for a fraud report' });
    }
  });
export type FileSubmissionInput = z.input<typeof FileSubmissionSchema>;

function toSubmission(r: Selectable<SubmissionTable>): Submission {
  return {
    id: r.id,
    kind: r.kind as SubmissionKind,
    submissionNumber: r.submission_number,
    noticeId: r.notice_id,
    campaignId: r.campaign_id,
    applicationId: r.application_id,
    creditCode: r.credit_code,
    submitterMasked: r.submitter_masked,
    contactMasked: r.contact_masked,
    text: r.text,
    receivedAt: r.received_at,
  };
}

/** The legacy `objections.submitter_contact` form, `<submitter or 未署名>（<contact>）`, split again. */
function splitLegacyContact(stored: string): { submitter?: string; contact: string } {
  const m = /^(.*)（(.*)）$/s.exec(stored.trim());
  if (!m || !m[2]) return { contact: stored };
  const submitter = m[1]!.trim();
  return { ...(submitter && submitter !== '未署名' ? { submitter } : {}), contact: m[2] };
}

export class Intake {
  constructor(private readonly core: Core) {}

  /**
   * Files a submission a channel received: the name, contact and text encrypted, their masked forms
   * kept for every other read. An objection must name a notice, a fraud report a campaign; a named
   * application must belong to that campaign. Idempotent on `submissionNumber`.
   */
  async file(input: FileSubmissionInput): Promise<Submission> {
    const i = v.parse('intake.file', FileSubmissionSchema, input);
    return this.core.write(i.by, async (w) => {
      const prior = await w.db.selectFrom('submissions').selectAll().where('submission_number', '=', i.submissionNumber).executeTakeFirst();
      if (prior) {
        const clear = this.clear(prior);
        const differs = [
          ...(prior.kind !== i.kind ? ['kind'] : []),
          ...(prior.notice_id !== (i.noticeId ?? null) ? ['noticeId'] : []),
          ...(prior.campaign_id !== (i.campaignId ?? null) ? ['campaignId'] : []),
          ...(prior.application_id !== (i.applicationId ?? null) ? ['applicationId'] : []),
          ...(prior.credit_code !== (i.creditCode ?? null) ? ['creditCode'] : []),
          ...(clear.submitter !== (i.submitter ?? null) ? ['submitter'] : []),
          ...(clear.contact !== (i.contact ?? null) ? ['contact'] : []),
          ...(clear.textAsSubmitted !== i.text ? ['text'] : []),
        ];
        if (differs.length > 0) {
          throw new ConflictError(`intake.file: submission number ${i.submissionNumber} was used for submission ${prior.id} (received ${prior.received_at}), which differs in ${differs.join(', ')}`);
        }
        await w.audit('submission.file-repeated', 'submission', prior.id, { submissionNumber: i.submissionNumber });
        return toSubmission(prior);
      }
      const campaignId = i.kind === 'objection' ? await this.noticeCampaign(w, i.noticeId!) : await this.campaign(w, i.campaignId!);
      if (i.applicationId !== undefined) {
        const app = await w.db.selectFrom('applications').select('campaign_id').where('id', '=', i.applicationId).executeTakeFirst();
        if (!app) throw new NotFoundError('application', i.applicationId);
        if (app.campaign_id !== campaignId) throw new ValidationError('intake.file', [{ field: 'applicationId', rule: `must be an application of campaign ${campaignId}` }]);
      }
      const row = {
        id: randomUUID(),
        kind: i.kind,
        submission_number: i.submissionNumber,
        notice_id: i.noticeId ?? null,
        campaign_id: i.kind === 'fraud-report' ? i.campaignId! : null,
        application_id: i.applicationId ?? null,
        credit_code: i.creditCode ?? null,
        submitter_masked: i.submitter === undefined ? null : maskName(i.submitter),
        submitter_enc: i.submitter === undefined ? null : this.core.pd.encrypt(i.submitter),
        contact_masked: i.contact === undefined ? null : maskContact(i.contact),
        contact_enc: i.contact === undefined ? null : this.core.pd.encrypt(i.contact),
        text: maskPersonalData(i.text),
        text_enc: this.core.pd.encrypt(i.text),
        received_at: w.at,
      };
      await w.db.insertInto('submissions').values(row).execute();
      await w.audit('submission.filed', 'submission', row.id, {
        kind: i.kind,
        submissionNumber: i.submissionNumber,
        noticeId: i.noticeId,
        campaignId: i.campaignId,
        applicationId: i.applicationId,
        creditCode: i.creditCode,
        anonymous: i.submitter === undefined,
      });
      return toSubmission(row);
    });
  }

  async get(submissionId: string): Promise<Submission | undefined> {
    const row = await this.core.db.selectFrom('submissions').selectAll().where('id', '=', submissionId).executeTakeFirst();
    return row && toSubmission(row);
  }

  /** The submission filed under the channel's number, if any. */
  async bySubmissionNumber(submissionNumber: string): Promise<Submission | undefined> {
    const n = v.parse('intake.bySubmissionNumber', z.string().trim().min(1, 'must not be empty'), submissionNumber);
    const row = await this.core.db.selectFrom('submissions').selectAll().where('submission_number', '=', n).executeTakeFirst();
    return row && toSubmission(row);
  }

  async list(filter: { noticeId?: string; campaignId?: string }): Promise<Submission[]> {
    const f = v.parse(
      'intake.list',
      z
        .object({ noticeId: id.optional(), campaignId: id.optional() })
        .strict()
        .refine((x) => (x.noticeId === undefined) !== (x.campaignId === undefined), 'give either noticeId or campaignId'),
      filter,
    );
    let q = this.core.db.selectFrom('submissions').selectAll().orderBy('received_at').orderBy('id');
    q = f.noticeId !== undefined ? q.where('notice_id', '=', f.noticeId) : q.where('campaign_id', '=', f.campaignId!);
    return (await q.execute()).map(toSubmission);
  }

  /** Privileged: the submission with the submitter's name, contact and text in clear. The read is audited. */
  async getWithContact(submissionId: string, by: string): Promise<SubmissionWithContact> {
    const actor = v.parse('intake.getWithContact', z.object({ by: v.actor }), { by }).by;
    return this.core.write(actor, async (w) => {
      const row = await w.db.selectFrom('submissions').selectAll().where('id', '=', submissionId).executeTakeFirst();
      if (!row) throw new NotFoundError('submission', submissionId);
      await w.audit('submission.contact-read', 'submission', submissionId);
      return { ...toSubmission(row), ...this.clear(row) };
    });
  }

  /**
   * Moves the contacts of objections filed before 0006 (kept in clear in `objections.submitter_contact`)
   * into submissions of their own, encrypted, and leaves the masked form on the objection. Run by
   * openRegistry once the key is checked; does nothing (and writes nothing) when there are none.
   * Returns how many it moved.
   */
  async adoptLegacy(): Promise<number> {
    const pending = await this.core.db.selectFrom('objections').select('id').where('submission_id', 'is', null).limit(1).execute();
    if (pending.length === 0) return 0;
    const none = new Error('no legacy objections left');
    try {
      return await this.core.write('registry', async (w) => {
        const rows = await w.db.selectFrom('objections').selectAll().where('submission_id', 'is', null).orderBy('received_at').orderBy('id').execute();
        if (rows.length === 0) throw none; // another process moved them first
        for (const o of rows) {
          const { submitter, contact } = splitLegacyContact(o.submitter_contact);
          const submission = {
            id: randomUUID(),
            kind: 'objection',
            submission_number: `legacy-objection:${o.id}`,
            notice_id: o.notice_id,
            campaign_id: null,
            application_id: o.application_id,
            credit_code: null,
            submitter_masked: submitter === undefined ? null : maskName(submitter),
            submitter_enc: submitter === undefined ? null : this.core.pd.encrypt(submitter),
            contact_masked: maskContact(contact),
            contact_enc: this.core.pd.encrypt(contact),
            text: maskPersonalData(o.text),
            text_enc: this.core.pd.encrypt(o.text),
            received_at: o.received_at,
          };
          await w.db.insertInto('submissions').values(submission).execute();
          await linkLegacyObjection(w, o.id, toSubmission(submission));
          await w.audit('objection.contact-protected', 'objection', o.id, { submissionId: submission.id });
        }
        return rows.length;
      });
    } catch (err) {
      if (err === none) return 0;
      throw err;
    }
  }

  private clear(row: Selectable<SubmissionTable>): { submitter: string | null; contact: string | null; textAsSubmitted: string } {
    return {
      submitter: row.submitter_enc === null ? null : this.core.pd.decrypt(row.submitter_enc),
      contact: row.contact_enc === null ? null : this.core.pd.decrypt(row.contact_enc),
      textAsSubmitted: this.core.pd.decrypt(row.text_enc),
    };
  }

  private async noticeCampaign(w: WriteContext, noticeId: string): Promise<string> {
    const notice = await w.db.selectFrom('notices').select(['campaign_id', 'status']).where('id', '=', noticeId).executeTakeFirst();
    if (!notice) throw new NotFoundError('notice', noticeId);
    if (notice.status === 'draft') throw new ConflictError(`notice ${noticeId} is a draft: objections are received only once it is published`);
    return notice.campaign_id;
  }

  private async campaign(w: WriteContext, campaignId: string): Promise<string> {
    const campaign = await w.db.selectFrom('campaigns').select('id').where('id', '=', campaignId).executeTakeFirst();
    if (!campaign) throw new NotFoundError('campaign', campaignId);
    return campaign.id;
  }
}
