/**
 * 0006: the intake of public submissions — objections (异议) and fraud reports (弄虚作假举报) — so
 * that the objector's name and contact never travel in clear through process variables.
 *
 * - `submissions`: one row per submission a public channel received, filed by the channel before it
 *   publishes its message (`publicity-objection`, `fraud-reported`), under the channel's own
 *   submission number (受理编号, unique: a double submission is filed once). The submitter's name and
 *   contact are kept as `PersonalData.encrypt` ciphertext (`*_enc`) and a masked form (`*_masked`,
 *   what messages, forms and every ordinary read carry); both NULL for an anonymous submitter. The
 *   text is kept as submitted, encrypted (`text_enc`), and with the phone numbers, e-mail addresses
 *   and ID numbers in it masked (`text`). An objection names its notice, a fraud report its
 *   campaign; either may name an application, a report an enterprise.
 * - `objections.submission_id`: the submission an objection was filed from (unique: one objection
 *   per submission). From now on `objections.submitter_contact` holds the masked form only.
 *   Objections filed before this migration carried the contact in clear; the registry moves each of
 *   them into a submission of its own (encrypted) when it opens with its key (`Intake.adoptLegacy`),
 *   since encrypting needs the key, which migrations do not have.
 */
import { sql, type Kysely, type Migration } from 'kysely';

export function intake(): Migration {
  return {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('submissions')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind IN ('objection', 'fraud-report')`))
        .addColumn('submission_number', 'text', (c) => c.notNull().unique())
        .addColumn('notice_id', 'text', (c) => c.references('notices.id'))
        .addColumn('campaign_id', 'text', (c) => c.references('campaigns.id'))
        .addColumn('application_id', 'text')
        .addColumn('credit_code', 'text')
        .addColumn('submitter_masked', 'text')
        .addColumn('submitter_enc', 'text')
        .addColumn('contact_masked', 'text')
        .addColumn('contact_enc', 'text')
        .addColumn('text', 'text', (c) => c.notNull())
        .addColumn('text_enc', 'text', (c) => c.notNull())
        .addColumn('received_at', 'text', (c) => c.notNull())
        .addCheckConstraint(
          'submissions_subject',
          sql`(kind = 'objection' AND notice_id IS NOT NULL AND campaign_id IS NULL AND credit_code IS NULL) OR (kind = 'fraud-report' AND campaign_id IS NOT NULL AND notice_id IS NULL)`,
        )
        .addCheckConstraint('submissions_submitter', sql`(submitter_masked IS NULL) = (submitter_enc IS NULL)`)
        .addCheckConstraint('submissions_contact', sql`(contact_masked IS NULL) = (contact_enc IS NULL)`)
        .execute();
      await db.schema.createIndex('submissions_by_notice').on('submissions').column('notice_id').execute();
      await db.schema.createIndex('submissions_by_campaign').on('submissions').column('campaign_id').execute();

      await db.schema
        .alterTable('objections')
        .addColumn('submission_id', 'text', (c) => c.references('submissions.id'))
        .execute();
      await db.schema.createIndex('objections_by_submission').on('objections').column('submission_id').unique().execute();
    },
    async down() {
      throw new Error('0006_intake cannot be undone: the registry is the system of record');
    },
  };
}
