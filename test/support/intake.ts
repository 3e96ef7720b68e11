/**
 * The public channels of the process tests: an objection or a fraud report is filed with the
 * registry's intake first (name and contact encrypted there), then published with the reference and
 * masked forms only (workers/intake.ts), as the public page and the demo do.
 */
import { randomUUID } from 'node:crypto';
import type { Submission } from '../../src/registry/index.js';
import { fraudReportMessage, objectionMessage } from '../../workers/intake.js';
import type { ProcessHarness } from './process.js';

type Channel = Pick<ProcessHarness, 'registry' | 'publish'>;

export interface ObjectionInput {
  text: string;
  applicationId?: string;
  submitter?: string;
  contact?: string;
  /** The channel's submission number (default: a new one). */
  submissionNumber?: string;
}

/** Files an objection against the notice with the intake; returns the submission (masked). */
export function fileObjection(h: Pick<ProcessHarness, 'registry'>, noticeId: string, o: ObjectionInput): Promise<Submission> {
  const { submissionNumber = `YY-${randomUUID()}`, contact = '13800138000', ...rest } = o;
  return h.registry.intake.file({ kind: 'objection', submissionNumber, noticeId, contact, ...rest, by: 'channel:test' });
}

/** Files an objection with the intake and publishes `publicity-objection` with its reference. */
export async function publishObjection(h: Channel, noticeId: string, o: ObjectionInput): Promise<Submission> {
  const s = await fileObjection(h, noticeId, o);
  await h.publish('publicity-objection', noticeId, objectionMessage(s));
  return s;
}

export interface FraudReportInput {
  text: string;
  applicationId?: string;
  creditCode?: string;
  reporter?: string;
  contact?: string;
  submissionNumber?: string;
}

/** Files a fraud report about the campaign with the intake and publishes `fraud-reported` with its reference. */
export async function publishFraudReport(h: Channel, campaignId: string, r: FraudReportInput): Promise<Submission> {
  const { submissionNumber = `JB-${randomUUID()}`, reporter, ...rest } = r;
  const s = await h.registry.intake.file({ kind: 'fraud-report', submissionNumber, campaignId, ...(reporter ? { submitter: reporter } : {}), ...rest, by: 'channel:test' });
  await h.publish('fraud-reported', campaignId, fraudReportMessage(s));
  return s;
}
