/**
 * Every job worker of pingpin, one module per job type: `workers/<area>/<name>.ts` exports by default
 * the worker of job type `pingpin.<area>.<name>` (test/workers/layout.test.ts holds every module to
 * it). `npm start` starts them all; the process tests start the same list, and the element templates
 * (npm run templates) are generated from it. What the areas share is in workers/kit/.
 */
import campaignApplyPublicity from './campaign/apply-publicity.js';
import campaignApplyReview from './campaign/apply-review.js';
import campaignArchive from './campaign/archive.js';
import campaignDeadlineDates from './campaign/deadline-dates.js';
import campaignFinalizeList from './campaign/finalize-list.js';
import campaignNextBatch from './campaign/next-batch.js';
import campaignOpen from './campaign/open.js';
import campaignRegisterCandidates from './campaign/register-candidates.js';
import campaignSelect from './campaign/select.js';
import certificateIssue from './certificate/issue.js';
import certificateRecordAppointment from './certificate/record-appointment.js';
import certificateRevoke from './certificate/revoke.js';
import certificateUpload from './certificate/upload.js';
import eligibilityFacts from './eligibility/facts.js';
import eligibilityRecord from './eligibility/record.js';
import filingRecord from './filing/record.js';
import filingRegister from './filing/register.js';
import fraudBan from './fraud/ban.js';
import fraudRecordReport from './fraud/record-report.js';
import managementRecordAssessment from './management/record-assessment.js';
import managementRecordEvent from './management/record-event.js';
import managementStart from './management/start.js';
import managementStopBenefits from './management/stop-benefits.js';
import publicityClose from './publicity/close.js';
import publicityDecideObjection from './publicity/decide-objection.js';
import publicityPublish from './publicity/publish.js';
import publicityRecordObjection from './publicity/record-objection.js';
import publicityResult from './publicity/result.js';
import quotaRelease from './quota/release.js';
import quotaReserve from './quota/reserve.js';
import quotaStatus from './quota/status.js';
import recognitionCheckPlan from './recognition/check-plan.js';
import recognitionOpen from './recognition/open.js';
import recognitionRecord from './recognition/record.js';
import recognitionReport from './recognition/report.js';
import reviewAggregate from './review/aggregate.js';
import reviewCheckPanel from './review/check-panel.js';
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
  campaignOpen,
  campaignRegisterCandidates,
  campaignSelect,
  campaignApplyPublicity,
  campaignApplyReview,
  campaignFinalizeList,
  campaignDeadlineDates,
  campaignNextBatch,
  campaignArchive,
  // fraud (弄虚作假: every appraisal-* event subprocess)
  fraudRecordReport,
  fraudBan,
  // direct-recognition (职业技能等级直接认定, Sichuan 001 附件2); it shares register-candidates,
  // apply-publicity and archive with the appraisal campaigns, and the publicity and
  // certificate-issuance processes
  recognitionOpen,
  recognitionCheckPlan,
  recognitionRecord,
  recognitionReport,
  // Sichuan recommendation quotas (推荐名额: appraisal-sichuan)
  quotaStatus,
  quotaReserve,
  quotaRelease,
  // management-period (三年管理期: assessments, events, benefits; the revocation of 001 附件4 第九条)
  certificateRevoke,
  managementStart,
  managementRecordAssessment,
  managementRecordEvent,
  managementStopBenefits,
];
