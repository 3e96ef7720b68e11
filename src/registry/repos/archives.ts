/**
 * The archive (002 七(四): paper records kept ≥ 3 years, electronic records ≥ 5 years).
 *
 * archive(campaignId, class) files a finished (completed or cancelled) campaign under a retention
 * class and marks the campaign 'archived':
 * - 'paper': a catalogue entry for the paper file, retained until archivedOn + 3 years;
 * - 'electronic': a snapshot of the campaign's records (campaign, applications with their history,
 *   notices, objections, the intake's submissions; ID numbers and contacts masked as everywhere),
 *   retained until archivedOn + 5 years.
 * purge() is refused with a RetentionError before the retention end. After it, a paper entry is
 * marked destroyed; an electronic purge removes the snapshot and the campaign's applications,
 * history, appointments (聘任协议), notices, objections and submissions (objections and fraud reports
 * as received, with their encrypted contacts) in one transaction (certificates, their
 * national uploads, bans and the audit trail are kept: they outlive any campaign).
 */
import { randomUUID } from 'node:crypto';
import type { Selectable } from 'kysely';
import { z } from 'zod';
import { addYears } from '../../domain/china-time.js';
import type { Core, WriteContext } from '../core.js';
import type { ArchiveTable } from '../db.js';
import { ConflictError, NotFoundError, RetentionError } from '../errors.js';
import * as v from '../validation.js';

export const RETENTION_YEARS = { paper: 3, electronic: 5 } as const;
export type RetentionClass = keyof typeof RETENTION_YEARS;

export interface ArchiveRecord {
  id: string;
  campaignId: string;
  retentionClass: RetentionClass;
  archivedOn: string;
  /** First day on which the record may be purged. */
  retainUntil: string;
  status: 'archived' | 'purged';
  /** Electronic snapshot (null for paper, and after a purge). */
  content: unknown;
  purgedOn: string | null;
  createdAt: string;
}

const ArchiveSchema = z
  .object({
    campaignId: v.entityId,
    retentionClass: z.enum(['paper', 'electronic'], { error: "must be 'paper' (kept ≥ 3 years) or 'electronic' (kept ≥ 5 years), 002 七(四)" }),
    by: v.actor,
  })
  .strict();
const PurgeSchema = z.object({ id: v.entityId, by: v.actor }).strict();

function toRecord(r: Selectable<ArchiveTable>): ArchiveRecord {
  return {
    id: r.id,
    campaignId: r.campaign_id,
    retentionClass: r.retention_class as RetentionClass,
    archivedOn: r.archived_on,
    retainUntil: r.retain_until,
    status: r.status as ArchiveRecord['status'],
    content: r.content === null ? null : JSON.parse(r.content),
    purgedOn: r.purged_on,
    createdAt: r.created_at,
  };
}

const parseJson = (s: string | null) => (s === null ? null : JSON.parse(s));

/** The intake submissions of a campaign: its fraud reports and the objections against its notices. */
async function submissionsOf(db: WriteContext['db'], campaignId: string, noticeIds: string[]) {
  let q = db.selectFrom('submissions').selectAll().orderBy('received_at').orderBy('id');
  q = noticeIds.length ? q.where((eb) => eb.or([eb('campaign_id', '=', campaignId), eb('notice_id', 'in', noticeIds)])) : q.where('campaign_id', '=', campaignId);
  return q.execute();
}

export class Archives {
  constructor(private readonly core: Core) {}

  /** Archives a finished campaign under a retention class (002 七(四)). */
  async archive(input: z.input<typeof ArchiveSchema>): Promise<ArchiveRecord> {
    const i = v.parse('archive', ArchiveSchema, input);
    return this.core.write(i.by, async (w) => {
      const campaign = await w.db.selectFrom('campaigns').selectAll().where('id', '=', i.campaignId).executeTakeFirst();
      if (!campaign) throw new NotFoundError('campaign', i.campaignId);
      if (!['completed', 'cancelled', 'archived'].includes(campaign.status)) {
        throw new ConflictError(`campaign ${i.campaignId} is ${campaign.status}: only a completed or cancelled campaign can be archived`);
      }
      const existing = await w.db
        .selectFrom('archives')
        .select('id')
        .where('campaign_id', '=', i.campaignId)
        .where('retention_class', '=', i.retentionClass)
        .executeTakeFirst();
      if (existing) throw new ConflictError(`campaign ${i.campaignId} already has a ${i.retentionClass} archive (${existing.id})`);

      let content: string | null = null;
      if (i.retentionClass === 'electronic') {
        const applications = await w.db.selectFrom('applications').selectAll().where('campaign_id', '=', i.campaignId).orderBy('id').execute();
        const history = applications.length
          ? await w.db.selectFrom('application_history').selectAll().where('application_id', 'in', applications.map((a) => a.id)).orderBy('application_id').orderBy('seq').execute()
          : [];
        const appointments = applications.length
          ? await w.db.selectFrom('appointments').selectAll().where('application_id', 'in', applications.map((a) => a.id)).orderBy('application_id').execute()
          : [];
        const notices = await w.db.selectFrom('notices').selectAll().where('campaign_id', '=', i.campaignId).orderBy('id').execute();
        const objections = notices.length
          ? await w.db.selectFrom('objections').selectAll().where('notice_id', 'in', notices.map((n) => n.id)).orderBy('id').execute()
          : [];
        // Objections and fraud reports as received: masked, without the encrypted name, contact and text.
        const submissions = (await submissionsOf(w.db, i.campaignId, notices.map((n) => n.id))).map(
          ({ submitter_enc: _s, contact_enc: _c, text_enc: _t, ...s }) => s,
        );
        content = JSON.stringify({
          campaign: { ...campaign, levels: JSON.parse(campaign.levels) },
          // The encrypted ID number and its hash stay out of the archive copy: the masked form is kept.
          applications: applications.map(({ applicant_id_enc: _e, applicant_id_hash: _h, ...a }) => ({
            ...a,
            applicant: JSON.parse(a.applicant),
            eligibility: parseJson(a.eligibility),
            history: history.filter((h) => h.application_id === a.id),
            appointment: appointments.find((p) => p.application_id === a.id) ?? null,
          })),
          notices: notices.map((n) => ({ ...n, entries: JSON.parse(n.entries) })),
          objections,
          submissions,
        });
      }
      const row = {
        id: randomUUID(),
        campaign_id: i.campaignId,
        retention_class: i.retentionClass,
        archived_on: w.today,
        retain_until: addYears(w.today, RETENTION_YEARS[i.retentionClass]),
        status: 'archived',
        content,
        purged_on: null,
        created_at: w.at,
      };
      await w.db.insertInto('archives').values(row).execute();
      if (campaign.status !== 'archived') {
        await w.db.updateTable('campaigns').set({ status: 'archived', updated_at: w.at }).where('id', '=', i.campaignId).execute();
      }
      await w.audit('campaign.archived', 'campaign', i.campaignId, { archiveId: row.id, retentionClass: i.retentionClass, retainUntil: row.retain_until });
      return toRecord(row);
    });
  }

  /** Purges an archive whose retention period has ended; refused before. */
  async purge(input: z.input<typeof PurgeSchema>): Promise<ArchiveRecord> {
    const i = v.parse('archives.purge', PurgeSchema, input);
    return this.core.write(i.by, async (w) => {
      const record = await w.db.selectFrom('archives').selectAll().where('id', '=', i.id).executeTakeFirst();
      if (!record) throw new NotFoundError('archive', i.id);
      if (record.status === 'purged') throw new ConflictError(`archive ${i.id} was already purged on ${record.purged_on}`);
      if (w.today < record.retain_until) {
        throw new RetentionError(
          `archive ${i.id} (${record.retention_class} records of campaign ${record.campaign_id}) must be kept until ${record.retain_until}: ` +
            `${record.retention_class} records are retained at least ${RETENTION_YEARS[record.retention_class as RetentionClass]} years (002 七(四)); today is ${w.today}`,
        );
      }
      let removed: Record<string, number> = {};
      if (record.retention_class === 'electronic') {
        const campaignId = record.campaign_id;
        const appIds = (await w.db.selectFrom('applications').select('id').where('campaign_id', '=', campaignId).execute()).map((a) => a.id);
        const noticeIds = (await w.db.selectFrom('notices').select('id').where('campaign_id', '=', campaignId).execute()).map((n) => n.id);
        let objections = 0;
        let history = 0;
        let appointments = 0;
        if (noticeIds.length) objections = Number((await w.db.deleteFrom('objections').where('notice_id', 'in', noticeIds).executeTakeFirst()).numDeletedRows);
        // After the objections that refer to them: the campaign's objection and fraud-report submissions.
        const submissionIds = (await submissionsOf(w.db, campaignId, noticeIds)).map((s) => s.id);
        if (submissionIds.length) await w.db.deleteFrom('submissions').where('id', 'in', submissionIds).execute();
        if (appIds.length) {
          await w.db.updateTable('objections').set({ application_id: null }).where('application_id', 'in', appIds).execute();
          await w.db.updateTable('certificates').set({ application_id: null }).where('application_id', 'in', appIds).execute();
          history = Number((await w.db.deleteFrom('application_history').where('application_id', 'in', appIds).executeTakeFirst()).numDeletedRows);
          appointments = Number((await w.db.deleteFrom('appointments').where('application_id', 'in', appIds).executeTakeFirst()).numDeletedRows);
          await w.db.deleteFrom('applications').where('campaign_id', '=', campaignId).execute();
        }
        if (noticeIds.length) await w.db.deleteFrom('notices').where('campaign_id', '=', campaignId).execute();
        removed = { applications: appIds.length, history, appointments, notices: noticeIds.length, objections, submissions: submissionIds.length };
      }
      const row = await w.db
        .updateTable('archives')
        .set({ status: 'purged', content: null, purged_on: w.today })
        .where('id', '=', i.id)
        .returningAll()
        .executeTakeFirstOrThrow();
      await w.audit('archive.purged', 'campaign', record.campaign_id, { archiveId: i.id, retentionClass: record.retention_class, removed });
      return toRecord(row);
    });
  }

  async get(archiveId: string): Promise<ArchiveRecord | undefined> {
    const row = await this.core.db.selectFrom('archives').selectAll().where('id', '=', archiveId).executeTakeFirst();
    return row && toRecord(row);
  }

  async list(campaignId: string): Promise<ArchiveRecord[]> {
    return (await this.core.db.selectFrom('archives').selectAll().where('campaign_id', '=', campaignId).orderBy('retention_class').execute()).map(toRecord);
  }
}
