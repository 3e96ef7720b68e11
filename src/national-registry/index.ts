/**
 * The national certificate query system (全国职业技能等级证书查询系统) adapters behind
 * WorkerServices.nationalRegistry: `local` (the default) records uploads in the registry; `http`
 * POSTs them to the national system. NATIONAL_REGISTRY, NATIONAL_REGISTRY_URL and
 * NATIONAL_REGISTRY_TOKEN choose and configure them (README, src/config.ts).
 */
import type { NationalRegistryConfig } from '../config.js';
import type { Registry } from '../registry/index.js';
import type { NationalRegistryAdapter } from '../../workers/services.js';
import { HttpNationalRegistry, type HttpNationalRegistryOptions } from './http.js';
import { LocalNationalRegistry } from './local.js';

export { HttpNationalRegistry, type HttpNationalRegistryOptions } from './http.js';
export { LocalNationalRegistry, LOCAL_UPLOADER } from './local.js';
export { NationalRegistryError, type NationalCertificateRecord, type NationalRegistryAdapter, type NationalUploadReceipt } from '../../workers/services.js';

export function createNationalRegistry(
  config: NationalRegistryConfig,
  deps: { registry: Registry; logger?: HttpNationalRegistryOptions['logger'] },
): NationalRegistryAdapter {
  if (config.kind === 'http') return new HttpNationalRegistry({ url: config.url, token: config.token, logger: deps.logger });
  return new LocalNationalRegistry(deps.registry);
}
