/**
 * Every job worker of pingpin, one module per job type. `npm start` starts them all; the process
 * tests start the same list. The 评聘 procedures' workers arrive with their models.
 */
import { campaignApplyPublicityWorker } from './campaign/apply-publicity.js';
import { campaignApplyReviewWorker } from './campaign/apply-review.js';
import { campaignArchiveWorker } from './campaign/archive.js';
import { campaignDeadlineDatesWorker } from './campaign/deadline-dates.js';
import { campaignFinalizeListWorker } from './campaign/finalize-list.js';
import { campaignNextBatchWorker } from './campaign/next-batch.js';
import { campaignOpenWorker } from './campaign/open.js';
import { campaignRegisterCandidatesWorker } from './campaign/register-candidates.js';
import { campaignSelectWorker } from './campaign/select.js';
import { issue as certificateIssue } from './certificate/issue.js';
import { recordAppointment as certificateRecordAppointment } from './certificate/record-appointment.js';
import { revoke as certificateRevoke } from './certificate/revoke.js';
import { upload as certificateUpload } from './certificate/upload.js';
import { eligibilityFacts } from './eligibility/facts.js';
import { eligibilityRecord } from './eligibility/record.js';
import { filingRecord } from './filing/record.js';
import { filingRegister } from './filing/register.js';
import { fraudBanWorker } from './fraud/ban.js';
import { fraudRecordReportWorker } from './fraud/record-report.js';
import { close as publicityClose } from './publicity/close.js';
import { decideObjection as publicityDecideObjection } from './publicity/decide-objection.js';
import { publish as publicityPublish } from './publicity/publish.js';
import { recordObjection as publicityRecordObjection } from './publicity/record-objection.js';
import { result as publicityResult } from './publicity/result.js';
import { managementRecordAssessmentWorker } from './management/record-assessment.js';
import { managementRecordEventWorker } from './management/record-event.js';
import { managementStartWorker } from './management/start.js';
import { managementStopBenefitsWorker } from './management/stop-benefits.js';
import { quotaReleaseWorker } from './quota/release.js';
import { quotaReserveWorker } from './quota/reserve.js';
import { quotaStatusWorker } from './quota/status.js';
import { reviewAggregate } from './review/aggregate.js';
import { recognitionCheckPlanWorker } from './recognition/check-plan.js';
import { recognitionOpenWorker } from './recognition/open.js';
import { recognitionRecordWorker } from './recognition/record.js';
import { recognitionReportWorker } from './recognition/report.js';
import { reviewCheckPanel } from './review/check-panel.js';
import type { WorkerDefinition } from './runtime.js';

export const workers: WorkerDefinition[] = [
  // publicity (公示)
  publicityPublish,
  publicityClose,
  publicityRecordObjection,
  publicityDecideObjection,
  publicityResult,
  // certificate-issuance (颁证与聘任)
  certificateIssue,
  certificateUpload,
  certificateRecordAppointment,
  // candidate-review (参评人员评审) and the panel check of the appraisal processes
  eligibilityFacts,
  eligibilityRecord,
  reviewAggregate,
  reviewCheckPanel,
  // enterprise-filing (特级技师、首席技师备案)
  filingRegister,
  filingRecord,
  // appraisal campaigns (评聘活动: appraisal-national, appraisal-guangdong, and the Fujian / Sichuan processes)
  campaignOpenWorker,
  campaignRegisterCandidatesWorker,
  campaignSelectWorker,
  campaignApplyPublicityWorker,
  campaignApplyReviewWorker,
  campaignFinalizeListWorker,
  campaignDeadlineDatesWorker,
  campaignNextBatchWorker,
  campaignArchiveWorker,
  // fraud (弄虚作假: every appraisal-* event subprocess)
  fraudRecordReportWorker,
  fraudBanWorker,
  // direct-recognition (职业技能等级直接认定, Sichuan 001 附件2); it shares register-candidates,
  // apply-publicity and archive with the appraisal campaigns, and the publicity and
  // certificate-issuance processes
  recognitionOpenWorker,
  recognitionCheckPlanWorker,
  recognitionRecordWorker,
  recognitionReportWorker,
  // Sichuan recommendation quotas (推荐名额: appraisal-sichuan)
  quotaStatusWorker,
  quotaReserveWorker,
  quotaReleaseWorker,
  // management-period (三年管理期: assessments, events, benefits; the revocation of 001 附件4 第九条)
  certificateRevoke,
  managementStartWorker,
  managementRecordAssessmentWorker,
  managementRecordEventWorker,
  managementStopBenefitsWorker,
];
