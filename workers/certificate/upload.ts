/**
 * pingpin.certificate.upload — 上传全国证书查询系统 (docs/procedures.md `certificate-issuance` step 2).
 *
 * Sends the issued certificate to the national certificate query system (全国职业技能等级证书查询系统)
 * through `services.nationalRegistry`: the local adapter records it in the registry
 * (`national_uploads`), the HTTP adapter POSTs it (NATIONAL_REGISTRY=http). The record holds the
 * holder's clear ID number, which the national system needs: it is read here only through the
 * registry's privileged, audited read (`certificates.getWithIdNumber`) and never returned.
 *
 * Failures: the HTTP adapter retries 5xx, 429, time-outs and network errors itself, then throws; the
 * job is then retried with back-off by the engine and finally raises an incident whose message quotes
 * the national system's status and answer. A refusal — any other HTTP answer (400, 401, 403, 422, a
 * redirect …) or the local registry refusing the record — cannot be fixed by retrying: the job fails
 * at once with no retries (NonRetryableError), the incident quoting the answer. Fix the cause, give
 * the job retries and resolve the incident.
 *
 * Idempotent by certificate code: the local registry answers `alreadyUploaded` to a repeat, the
 * national system 409 (the adapter sends `Idempotency-Key: <code>`).
 *
 * The receipt stays in the registry (`national_uploads`) either way, so an operator can prove the
 * upload: the local adapter records it itself; after an HTTP upload this worker records what the
 * national system answered (reference, status, time, HTTP status, the answer with ID numbers
 * masked). A crash between the two is harmless: the redelivered job gets 409 and records that.
 */
import { z } from 'zod';
import type { RecordNationalUploadInput } from '../../src/registry/index.js';
import { CERTIFICATE_CODE, refusal, typeError } from '../kit/index.js';
import { defineWorker, NonRetryableError } from '../runtime.js';
import { NationalRegistryError, type NationalRegistryAdapter, type NationalUploadReceipt } from '../services.js';

/** The job type; also this worker's audit actor (the certificate workers name themselves by the bare job type, workers/kit/registry.ts). */
export const TYPE = 'pingpin.certificate.upload';

const input = z.object({
  certificateCode: z
    .string(typeError('证书编码', 'certificateCode'))
    .trim()
    .toUpperCase()
    .regex(CERTIFICATE_CODE, '证书编码须为 22 位（DOMAIN.md §3） / certificateCode must be a 22-character certificate code')
    .describe('证书编码（pingpin.certificate.issue 返回）'),
});

const output = z.object({
  nationalUpload: z
    .object({
      certificateCode: z.string(),
      reference: z.string(),
      alreadyUploaded: z.boolean(),
      via: z.enum(['local', 'http']),
      status: z.string().nullable(),
      receivedAt: z.string().nullable(),
      httpStatus: z.number().nullable(),
    })
    .describe(
      '上传回执 {certificateCode, reference（全国系统的记录号）, alreadyUploaded（此前已上传）, via（local 本地登记 / http 全国系统）, status（全国系统答复的状态）, receivedAt（全国系统的接收时间）, httpStatus}；回执全文存于登记簿',
    ),
});

/** Whether a retry cannot change the answer (see the module comment). */
function isRefusal(err: NationalRegistryError, adapter: NationalRegistryAdapter): boolean {
  if (adapter.kind === 'local') return true; // the local adapter throws this only for refusals
  const status = err.status;
  return status !== undefined && status < 500 && status !== 408 && status !== 429;
}

export default defineWorker({
  type: TYPE,
  name: '上传全国证书查询系统',
  description:
    '将证书数据（含持证人身份证号明文，仅经登记簿特权读取）上传全国职业技能等级证书查询系统：本地模式记入登记簿，HTTP 模式发送至全国系统。5xx 等临时故障退避重试，最终产生引述全国系统答复的 incident；4xx 等拒绝不重试，立即产生 incident。按证书编码幂等。',
  input,
  output,
  // The HTTP adapter may try 4 times with a 15 s time-out each and back-offs between: more than the default 60 s.
  timeoutMs: 180_000,
  async handler({ certificateCode }, job, { registry, nationalRegistry }) {
    // A redelivered job after a completed upload: the registry holds the receipt, so neither the
    // clear ID number is read again nor the national system asked again.
    const done = await registry.nationalUploads.get(certificateCode);
    if (done && done.receipt.via === nationalRegistry.kind) {
      job.log.info({ certificateCode: done.certificateCode, via: done.receipt.via }, `certificate ${done.certificateCode} was already uploaded`);
      return uploaded(done.certificateCode, done.receipt.via, true, done.receipt);
    }
    const certificate = await registry.certificates
      .getWithIdNumber(certificateCode, TYPE)
      .catch((err: unknown) => refusal(err, `读取证书 ${certificateCode} 失败`, `cannot read certificate ${certificateCode}`));
    if (certificate.status !== 'valid') {
      throw new NonRetryableError(`证书 ${certificateCode} 已被撤销（${certificate.revokedOn}），不上传 / certificate ${certificateCode} is revoked (${certificate.revokedOn}): not uploaded`);
    }
    const evaluator = await registry.enterprises.get(certificate.evaluator.creditCode);
    if (!evaluator) throw new NonRetryableError(`颁证企业 ${certificate.evaluator.creditCode} 在登记簿中不存在 / enterprise ${certificate.evaluator.creditCode} is not in the registry`);

    const record = {
      certificateCode: certificate.code,
      holderName: certificate.holderName,
      idNumber: certificate.idNumber,
      level: certificate.level,
      occupation: certificate.occupation,
      evaluator: { creditCode: evaluator.creditCode, name: evaluator.name },
      issuedOn: certificate.issuedOn,
    };
    let receipt: NationalUploadReceipt;
    try {
      receipt = await nationalRegistry.upload(record);
    } catch (err) {
      if (err instanceof NationalRegistryError && isRefusal(err, nationalRegistry)) throw new NonRetryableError(err.message, { cause: err });
      throw err;
    }
    if (nationalRegistry.kind === 'http') {
      // The national system has the record now: keep its answer. A registry that already holds a
      // receipt for this certificate returns the first one (a redelivery after this step).
      const stored = await registry.nationalUploads
        .record({
          ...record,
          level: record.level as RecordNationalUploadInput['level'],
          receipt: {
            via: 'http',
            reference: receipt.reference,
            status: receipt.status ?? null,
            receivedAt: receipt.receivedAt ?? null,
            httpStatus: receipt.httpStatus ?? null,
            answer: receipt.answer ?? null,
          },
          by: TYPE,
        })
        .catch((err: unknown) =>
          refusal(err, `全国证书查询系统已接收证书 ${certificate.code}，但登记簿拒绝记录回执`, `the national system accepted certificate ${certificate.code} but the registry refused its receipt`),
        );
      const kept = stored.receipt;
      receipt = {
        ...receipt,
        reference: kept.reference,
        ...(kept.status !== null ? { status: kept.status } : {}),
        ...(kept.receivedAt !== null ? { receivedAt: kept.receivedAt } : {}),
        ...(kept.httpStatus !== null ? { httpStatus: kept.httpStatus } : {}),
      };
    }
    job.log.info({ certificateCode: certificate.code, via: nationalRegistry.kind, alreadyUploaded: receipt.alreadyUploaded }, `certificate ${certificate.code} uploaded`);
    return uploaded(certificate.code, nationalRegistry.kind, receipt.alreadyUploaded, receipt);
  },
});

/** The job's result: what the national system answered (or the local adapter recorded). */
function uploaded(
  certificateCode: string,
  via: 'local' | 'http',
  alreadyUploaded: boolean,
  r: { reference: string; status?: string | null; receivedAt?: string | null; httpStatus?: number | null },
) {
  return {
    nationalUpload: { certificateCode, reference: r.reference, alreadyUploaded, via, status: r.status ?? null, receivedAt: r.receivedAt ?? null, httpStatus: r.httpStatus ?? null },
  };
}
