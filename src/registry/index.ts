/**
 * The registry: the system of record for enterprises and their filings, campaigns, applications,
 * notices and objections, certificates and serials, bans, quotas, the audit trail and the archive.
 * See README.md in this folder for the schema and the choices behind it.
 */
export { openRegistry, Registry, DatabaseUrlSchema, type OpenRegistryOptions } from './registry.js';
export type { Logger } from './core.js';
export { onBehalfOf } from './core.js';
export type { DialectName } from './db.js';
export {
  RegistryError,
  ValidationError,
  NotFoundError,
  ConflictError,
  QuotaExceededError,
  SerialExhaustedError,
  RetentionError,
  KeyMismatchError,
  type FieldIssue,
} from './errors.js';
export { canonicalJson, entryHash, type AuditEntry, type AuditVerification, type Json } from './audit.js';
export { maskIdNumber } from './personal-data.js';
export { creditCodeCheckChar, idNumberCheckChar, PROVINCE_CODES } from './validation.js';
export type { Enterprise, EvaluatorFiling, EvaluatorKey, FilingStatus, CreateEnterpriseInput, UpdateEnterpriseInput, FileEvaluatorInput } from './repos/enterprises.js';
export { formatEvaluatorKey } from './repos/enterprises.js';
export {
  JURISDICTIONS,
  CAMPAIGN_KINDS,
  CAMPAIGN_STATUSES,
  APPLICATION_STATUSES,
  type Jurisdiction,
  type CampaignKind,
  type CampaignLevel,
  type CampaignStatus,
  type Campaign,
  type ApplicationStatus,
  type Application,
  type ApplicationWithIdNumber,
  type StatusChange,
  type CreateCampaignInput,
  type CreateApplicationInput,
} from './repos/campaigns.js';
export {
  DEFAULT_NOTICE_TITLES,
  NOTICE_KINDS,
  type ClosedNotice,
  type CreateNoticeInput,
  type DecideObjectionInput,
  type FileObjectionInput,
  type Notice,
  type NoticeEntry,
  type NoticeKind,
  type NoticeStatus,
  type Objection,
  type ObjectionOutcome,
} from './repos/notices.js';
export { SUBMISSION_KINDS, objectorDisplay, type FileSubmissionInput, type Submission, type SubmissionKind, type SubmissionWithContact } from './repos/intake.js';
export {
  MAX_SERIAL,
  formatCertificateCode,
  type Certificate,
  type CertificateWithIdNumber,
  type AllocatedSerial,
  type AllocateSerialInput,
  type IssueCertificateInput,
} from './repos/certificates.js';
export { BAN_YEARS, BAN_BASES, type Ban, type ActiveBan, type ActiveBansQuery, type RecordBanInput } from './repos/bans.js';
export { SICHUAN, type Quota, type QuotaReservation } from './repos/quotas.js';
export { MAX_ANSWER, type NationalUpload, type NationalUploadReceiptRecord, type RecordNationalUploadInput } from './repos/national-uploads.js';
export type { SkillsCenterReport, SkillsCenterReportRecord, RecordSkillsCenterReportInput } from './repos/skills-center-reports.js';
export type { Appointment, RecordAppointmentInput } from './repos/appointments.js';
export {
  MANAGEMENT_PERIOD_YEARS,
  MANAGEMENT_PERIOD_STATUSES,
  MANAGEMENT_EVENT_KINDS,
  BENEFITS_STOP_GROUNDS,
  ASSESSMENT_RESULTS,
  managementPeriodDates,
  type ManagementPeriod,
  type ManagementPeriodStatus,
  type ManagementAssessment,
  type ManagementEvent,
  type ManagementEventKind,
  type BenefitsStopGround,
  type AssessmentResult,
  type StartManagementPeriodInput,
  type RecordAssessmentInput,
  type RecordManagementEventInput,
  type StopBenefitsInput,
} from './repos/management-periods.js';
export { RETENTION_YEARS, type RetentionClass, type ArchiveRecord } from './repos/archives.js';
export { MAX_COMMENT_LENGTH, MAX_FILTER_BYTES, MAX_FILTER_NAME_LENGTH, type TaskComment, type TaskFilter, type TasklistUserState } from './repos/tasklist.js';
