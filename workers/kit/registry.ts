/**
 * How workers use the registry: who they are in its audit trail, how its refusals become jobs that
 * fail at once, and the idempotent status changes and loads of applications several areas share.
 *
 * Audit actors (and idempotency keys). A worker names itself in one of three forms, each already in
 * audit trails and idempotency keys of existing registries, so each is kept as it is:
 * - {@link actor}: `worker:<job type>` — campaign, fraud, quota, recognition, management, eligibility,
 *   filing and review workers;
 * - {@link keyedActor}: `<job type>#<process instance or job key>` — the publicity workers, which act
 *   for one instance or job and use it as the idempotency key of the rows they create, so a
 *   redelivered job gets back what it created the first time;
 * - the certificate workers name themselves by the bare job type (`pingpin.certificate.issue`).
 */
import { RegistryError, type Application, type ApplicationStatus, type Registry } from '../../src/registry/index.js';
import { NonRetryableError } from '../runtime.js';
import { bi, refuse } from './messages.js';

/** The audit actor of a worker: `worker:<job type>`. */
export const actor = (type: string): string => `worker:${type}`;

/**
 * The audit actor of a worker acting for one job or process instance, e.g.
 * `pingpin.publicity.publish#2251799813685251`; the workers that create registry rows also use it as
 * the rows' idempotency key.
 */
export const keyedActor = (type: string, key: string): string => `${type}#${key}`;

/**
 * A registry refusal (bad input, unknown id, wrong state, quota or serials used up, retention) cannot
 * be fixed by retrying; anything else (a busy database, a lost connection) is transient.
 */
export const isRegistryRefusal = (err: unknown): err is RegistryError => err instanceof RegistryError && err.code !== 'REGISTRY_ERROR';

/** A refusal fails the job at once with `message(the registry's reason)`; anything else is rethrown (retried with back-off). */
function failOnRefusal(err: unknown, message: (reason: string) => string): never {
  if (isRegistryRefusal(err)) throw new NonRetryableError(message(err.message), { cause: err });
  throw err;
}

/** For `.catch()`: `<zh>：<reason> / <en>: <reason>` when `err` is a refusal; rethrows anything else. */
export function refusal(err: unknown, zh: string, en: string): never {
  return failOnRefusal(err, (reason) => `${zh}：${reason} / ${en}: ${reason}`);
}

/** Runs a registry call; a refusal fails the job at once: `登记系统拒绝<zh> / the registry refused to <en>: <reason>`. */
export async function registryCall<T>(what: { zh: string; en: string }, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    return failOnRefusal(err, (reason) => `${bi(`登记系统拒绝${what.zh}`, `the registry refused to ${what.en}`)}: ${reason}`);
  }
}

/** A text cut to the registry's 2000 characters (a status reason), with an ellipsis when cut. */
export const clip = (text: string, max = 2000): string => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);

/** Statuses a worker never moves an application out of: a later step must not undo them. */
const FINAL: readonly ApplicationStatus[] = ['disqualified', 'withdrawn', 'revoked', 'certified', 'appointed'];

/**
 * Moves an application to `status` unless it already is there for the same reason (a redelivered
 * job), or it is in a status no campaign step may undo (disqualified, withdrawn, certified …).
 * Returns the application as it is afterwards.
 */
export async function setStatusOnce(registry: Registry, application: Application, status: ApplicationStatus, why: string, by: string): Promise<Application> {
  return setStatusesOnce(registry, application, [{ status, why }], by);
}

/**
 * {@link setStatusOnce} for the entries one job writes in a row (a city pre-review note, then the
 * province's decision): a redelivered job finds all of them at the end of the history and writes
 * nothing, where checking entry by entry would see the last one and add the first again.
 * `status: null` keeps the application's status and adds the note.
 */
export async function setStatusesOnce(
  registry: Registry,
  application: Application,
  writes: readonly { status: ApplicationStatus | null; why: string }[],
  by: string,
): Promise<Application> {
  if (FINAL.includes(application.status) || writes.length === 0) return application;
  const whys = writes.map((w) => w.why.slice(0, 2000));
  const tail = application.history.slice(-writes.length);
  const last = writes[writes.length - 1]!;
  const done = tail.length === writes.length && tail.every((h, k) => h.by === by && h.why === whys[k]) && (last.status === null || application.status === last.status);
  if (done) return application;
  let current = application;
  for (const [k, w] of writes.entries()) {
    if (FINAL.includes(current.status)) break;
    current = await registry.applications.setStatus({ id: current.id, status: w.status ?? current.status, why: whys[k]!, by });
  }
  return current;
}

/** Loads applications by id; an unknown id or one of another campaign fails the job at once, naming the variable. */
export async function loadApplications(registry: Registry, campaignId: string, ids: readonly string[], variable: { zh: string; en: string }): Promise<Application[]> {
  const out: Application[] = [];
  for (const id of ids) {
    const app = await registry.applications.get(id);
    if (!app) throw refuse(`${variable.zh}中的申报 ${id} 在登记系统中不存在`, `${variable.en}: application ${id} does not exist in the registry`);
    if (app.campaignId !== campaignId) {
      throw refuse(`${variable.zh}中的申报 ${id} 属于另一评聘活动（${app.campaignId}）`, `${variable.en}: application ${id} belongs to campaign ${app.campaignId}, not ${campaignId}`);
    }
    out.push(app);
  }
  return out;
}
