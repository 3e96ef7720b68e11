/**
 * The local adapter (NATIONAL_REGISTRY=local, the default): records each upload in the registry's
 * `national_uploads` table instead of sending it anywhere, so the procedures run end to end on a
 * laptop and in tests. Idempotent by certificate code like the national system: the second upload
 * of a certificate answers `alreadyUploaded: true`. A record that contradicts the issued certificate
 * is refused (NationalRegistryError, as the national system would refuse it).
 */
import { ConflictError, NotFoundError, ValidationError, type RecordNationalUploadInput, type Registry } from '../registry/index.js';
import { NationalRegistryError, type NationalCertificateRecord, type NationalRegistryAdapter, type NationalUploadReceipt } from '../../workers/services.js';

export const LOCAL_UPLOADER = 'national-registry:local';

export class LocalNationalRegistry implements NationalRegistryAdapter {
  readonly kind = 'local' as const;

  constructor(private readonly registry: Registry) {}

  async upload(record: NationalCertificateRecord): Promise<NationalUploadReceipt> {
    try {
      const stored = await this.registry.nationalUploads.record({ ...record, level: record.level as RecordNationalUploadInput['level'], by: LOCAL_UPLOADER });
      return {
        reference: stored.receipt.reference,
        alreadyUploaded: stored.alreadyUploaded,
        ...(stored.receipt.status !== null ? { status: stored.receipt.status } : {}),
        ...(stored.receipt.receivedAt !== null ? { receivedAt: stored.receipt.receivedAt } : {}),
      };
    } catch (err) {
      // What the national system would refuse (bad record, unknown or contradicted certificate) is a
      // refusal with an answer; anything else (the database) is a transient failure to retry.
      if (err instanceof ValidationError || err instanceof NotFoundError || err instanceof ConflictError) {
        throw new NationalRegistryError(`全国证书查询系统（本地记录）拒绝了证书 ${record.certificateCode}：${err.message} / local national registry refused certificate ${record.certificateCode}: ${err.message}`, undefined, err.message);
      }
      throw err;
    }
  }
}
