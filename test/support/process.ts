/**
 * The process test harness: pingpin in-process as `npm start` runs it — the embedded engine, the
 * models in bpmn/ and the forms in forms/ deployed, the real job workers (default: every worker in
 * workers/index.ts) with real services (the registry on SQLite in a temp dir, the local national
 * registry, config/holidays, the engine clock) — and helpers to drive a procedure the way clerks,
 * the public and time would:
 *
 * ```ts
 * const h = await startProcessHarness({ pinnedAt: '2026-09-01T09:00:00+08:00' });
 * const ent = await h.seed.enterprise({ jurisdiction: 'guangdong', n: 1 });
 * const pi = await h.startProcess('appraisal-guangdong', { campaignId: … });
 * const task = await h.waitForUserTask({ processInstanceKey: pi, elementId: 'draft-plan', candidateGroup: `enterprise-${ent.creditCode}-hr` });
 * await h.completeUserTask(task, { planPublished: true });       // checked against the task's form
 * await h.advanceClock('2026-09-10T00:00:00+08:00');              // timers fire
 * await publishObjection(h, noticeId, { contact, text });          // intake first, then the message (support/intake.ts)
 * const vars = await h.waitForCompletion(pi);
 * await h.stop();
 * ```
 *
 * `processInstanceKey` filters (user tasks, incidents) include the instances it called (call
 * activities), so a test can follow a procedure from its root instance.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import type { Config } from '../../src/config.js';
import type { Variables } from '../../src/engine/types.js';
import { creditCodeCheckChar, idNumberCheckChar } from '../../src/domain/validators.js';
import type { Enterprise, Registry } from '../../src/registry/index.js';
import { workers as allWorkers } from '../../workers/index.js';
import type { JobContext, WorkerDefinition } from '../../workers/runtime.js';
import type { WorkerServices } from '../../workers/services.js';
import { taskVariablesOf, type TaskVariableItem, type UserTask } from '../../src/forms/tasklist.js';
import { formSubmission } from './forms.js';
import { eventually, ROOT, startHarness, type Harness } from './harness.js';

export interface ProcessHarnessOptions {
  /** Job workers to run (default: all of workers/index.ts; [] for none). */
  workers?: WorkerDefinition[];
  /** Pin the engine clock (and so "today" for workers and the registry) here: ISO 8601, epoch ms or a Date. */
  pinnedAt?: string | number | Date;
  /** Models and forms to deploy (default: the repository's bpmn/ and forms/). */
  bpmnDir?: string;
  formsDir?: string;
  /** Anything else in the configuration (e.g. `nationalRegistry`, `holidaysDir`). */
  config?: Partial<Config>;
  /** pino level for the app's log (default: $TEST_LOG_LEVEL or silent). */
  logLevel?: string;
}

export type { UserTask };

export interface Incident {
  incidentKey: string;
  processInstanceKey: string;
  elementId: string;
  errorType: string;
  errorMessage: string;
  jobKey?: string;
  state: string;
  [key: string]: unknown;
}

export interface UserTaskQuery {
  /** The instance or any instance it called. */
  processInstanceKey?: string;
  elementId: string;
  candidateGroup?: string;
  assignee?: string;
  timeoutMs?: number;
}

export interface ElementInstance {
  elementInstanceKey: string;
  processInstanceKey: string;
  elementId: string;
  elementName?: string;
  type: string;
  state: string;
  [key: string]: unknown;
}

export interface ElementQuery {
  /** The instance or any instance it called. */
  processInstanceKey: string;
  elementId: string;
  /** ACTIVE (default), COMPLETED or TERMINATED. */
  state?: string;
  timeoutMs?: number;
}

export interface IncidentQuery {
  /** The instance or any instance it called. */
  processInstanceKey?: string;
  elementId?: string;
  errorType?: string;
  timeoutMs?: number;
}

export type Jurisdiction = 'national' | 'guangdong' | 'fujian' | 'sichuan';

/** A prefecture of each jurisdiction for seeded enterprises (national pilot: Suzhou, Jiangsu). */
export const SEED_DIVISIONS: Record<Jurisdiction, string> = { national: '320500', guangdong: '440300', fujian: '350100', sichuan: '510100' };

export interface SeedEnterpriseOptions {
  jurisdiction?: Jurisdiction;
  /** Makes the credit code (and the evaluator site serial) unique: 1, 2, … */
  n?: number;
  /** Prefecture division code (default per jurisdiction, {@link SEED_DIVISIONS}). */
  divisionCode?: string;
  /** Levels with an active evaluator filing (default T and S); [] for none. */
  levels?: Array<'T' | 'S'>;
  filedOn?: string;
  /** Anything else of enterprises.create (aboveScale, large, provinciallyFiled, chainLeader, …). */
  enterprise?: Record<string, unknown>;
}

export interface SeedApplicantOptions {
  n?: number;
  name?: string;
  birthDate?: string;
  gender?: 'male' | 'female';
  /** Region code of the ID number (default: the enterprise-free 440301). */
  region?: string;
  /** Overrides of the applicant record (docs/eligibility.md). */
  record?: Record<string, unknown>;
}

export interface ProcessHarness {
  harness: Harness;
  url: string;
  dataDir: string;
  registry: Registry;
  services: WorkerServices;
  http: Harness['http'];
  /** Deploys more resources (e.g. a test's own model). */
  deploy(resources: Array<{ name: string; content: string }>): Promise<void>;
  /**
   * Completes a user task with variables its form would refuse, as a client of a real Camunda cluster
   * can (Zeebe does not check forms; pingpin's /v2 does): for the checks behind the form.
   */
  completeBypassingForm(task: { userTaskKey: string }, variables: Record<string, unknown>): void;
  /** Starts an instance of the latest version; returns its key. */
  startProcess(processDefinitionId: string, variables?: Record<string, unknown>): Promise<string>;
  waitForUserTask(query: UserTaskQuery): Promise<UserTask>;
  /**
   * Completes a user task with what its form submits: `variables` are checked against the form
   * (test/support/forms.ts) and filled as the form would fill them; throws listing every problem.
   * `as` assigns the task to that user first. Returns the submitted variables.
   */
  completeUserTask(task: UserTask, variables: Record<string, unknown>, options?: { as?: string }): Promise<Record<string, unknown>>;
  /** The task's form schema (undefined when the task has none). */
  formOf(task: UserTask): Promise<Record<string, unknown> | undefined>;
  publish(name: string, correlationKey: string, variables?: Record<string, unknown>, timeToLiveMs?: number): Promise<void>;
  /** Moves the engine clock forward by ms, or to an ISO 8601 instant; timers that fall due fire. */
  advanceClock(to: number | string): Promise<Date>;
  /** The engine clock. */
  now(): Date;
  /**
   * Waits until an element is in a state (default ACTIVE), e.g. a message catch event before
   * publishing a message without a time to live; fails at once on an incident.
   */
  waitForElement(query: ElementQuery): Promise<ElementInstance>;
  waitForIncident(query?: IncidentQuery): Promise<Incident>;
  /** Waits for the instance to complete and returns its variables; fails at once on an incident or a termination. */
  waitForCompletion(processInstanceKey: string, timeoutMs?: number): Promise<Record<string, unknown>>;
  /** The instance's root-scope variables, parsed. */
  variables(processInstanceKey: string): Promise<Record<string, unknown>>;
  /** ACTIVE, COMPLETED or TERMINATED. */
  state(processInstanceKey: string): Promise<string>;
  /** The instance and every instance it called, transitively. */
  family(processInstanceKey: string): Promise<string[]>;
  /** The CREATED user tasks of an element in the instance's family. */
  tasksOf(processInstanceKey: string, elementId: string): Promise<UserTask[]>;
  /** Waits until exactly `n` such tasks exist; on timeout the error lists the active incidents. */
  waitForTasks(processInstanceKey: string, elementId: string, n: number, timeoutMs?: number): Promise<UserTask[]>;
  /** The variables a task sees (its scope and those above it), parsed and untruncated. */
  taskVariables(task: UserTask): Promise<Record<string, unknown>>;
  seed: {
    /** An enterprise with valid credit code and active evaluator filings per level. */
    enterprise(options?: SeedEnterpriseOptions): Promise<Enterprise>;
    /** A valid resident ID number (GB 11643) whose birth date and sex digit agree with the arguments. */
    idNumber(n: number, birthDate?: string, gender?: 'male' | 'female', region?: string): string;
    /** A valid unified social credit code (GB 32100) in a division. */
    creditCode(n: number, divisionCode?: string): string;
    /** An applicant record (docs/eligibility.md) with a consistent ID number. */
    applicant(options?: SeedApplicantOptions): Record<string, unknown> & { name: string; idNumber: string };
    /** A campaign of the enterprise (defaults per jurisdiction: year 2026, Guangdong batch 1 with deadline 07-10). */
    campaign(enterprise: Enterprise, options?: Record<string, unknown>): ReturnType<Registry['campaigns']['create']>;
    /** An application to a campaign (level T unless given). */
    application(campaignId: string, applicant: Record<string, unknown> & { name: string; idNumber: string }, level?: 'T' | 'S'): ReturnType<Registry['applications']['create']>;
  };
  stop(): Promise<void>;
}

export const SEED_BY = 'test:seed';

/** The job a worker's handler gets, for calling it directly (redelivery, bad input). */
export const jobContext = (over: Partial<JobContext> = {}): JobContext => ({
  jobKey: '2251799813685301',
  processInstanceKey: '2251799813685249',
  elementId: 'test',
  retries: 3,
  customHeaders: {},
  log: pino({ level: 'silent' }),
  ...over,
});

const JURISDICTION_OF_PROVINCE: Record<string, Jurisdiction> = { '44': 'guangdong', '35': 'fujian', '51': 'sichuan' };

function toEpoch(at: string | number | Date): number {
  const ms = at instanceof Date ? at.getTime() : typeof at === 'number' ? at : Date.parse(at);
  if (!Number.isFinite(ms)) throw new Error(`not a time: ${String(at)}`);
  return ms;
}

export function seedCreditCode(n: number, divisionCode = SEED_DIVISIONS.guangdong): string {
  const body = `91${divisionCode}${String(n).padStart(9, '0')}`;
  return body + creditCodeCheckChar(body);
}

export function seedIdNumber(n: number, birthDate = '1980-06-15', gender: 'male' | 'female' = 'male', region = '440301'): string {
  // Sequence code: two digits from n, then the sex digit (odd = male, GB 11643).
  const seq = `${String(n % 100).padStart(2, '0')}${gender === 'male' ? 1 + 2 * (Math.floor(n / 100) % 5) : 2 * (Math.floor(n / 100) % 5)}`;
  const body = `${region}${birthDate.replaceAll('-', '')}${seq}`;
  return body + idNumberCheckChar(body);
}

export async function startProcessHarness(options: ProcessHarnessOptions = {}): Promise<ProcessHarness> {
  const dataDir = mkdtempSync(join(tmpdir(), 'pingpin-process-'));
  const bpmnDir = options.bpmnDir ?? join(ROOT, 'bpmn');
  const formsDir = options.formsDir ?? join(ROOT, 'forms');
  let h: Harness;
  try {
    h = await startHarness({
      dataDir,
      workers: options.workers ?? allWorkers,
      pinClockAt: options.pinnedAt === undefined ? undefined : toEpoch(options.pinnedAt),
      logLevel: options.logLevel ?? process.env.TEST_LOG_LEVEL ?? 'silent',
      config: { resourceDirs: [bpmnDir, formsDir], modelsDir: bpmnDir, startWorkers: true, nationalRegistry: { kind: 'local' }, ...options.config },
    });
  } catch (err) {
    rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }
  const { running } = h;
  const engine = running.engine!;
  const registry = running.registry;

  const ok = async (method: string, path: string, body?: unknown) => {
    const res = await h.http(method, path, body);
    if (res.status >= 300) throw new Error(`${method} ${path}: HTTP ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };

  const search = async <T>(path: string, filter: Record<string, unknown>): Promise<T[]> => {
    const items: T[] = [];
    let after: string | undefined;
    for (;;) {
      const body = (await ok('POST', path, { filter, page: { limit: 1000, ...(after ? { after } : {}) } })) as { items: T[]; page?: { endCursor?: string } };
      items.push(...body.items);
      if (body.items.length < 1000 || !body.page?.endCursor) return items;
      after = body.page.endCursor;
    }
  };

  const tasksOf = async (processInstanceKey: string, elementId: string): Promise<UserTask[]> => {
    const keys = new Set(await family(processInstanceKey));
    const res = await h.http('POST', '/v2/user-tasks/search', { filter: { elementId, state: 'CREATED' }, page: { limit: 1000 } });
    return (res.body.items as UserTask[]).filter((t) => keys.has(t.processInstanceKey));
  };
  const family = async (processInstanceKey: string): Promise<string[]> => {
    const all = [processInstanceKey];
    for (let i = 0; i < all.length; i++) {
      const children = await search<{ processInstanceKey: string }>('/v2/process-instances/search', { parentProcessInstanceKey: all[i] });
      all.push(...children.map((c) => c.processInstanceKey));
    }
    return all;
  };

  const parseVariables = (items: Array<{ name: string; value: string }>) => Object.fromEntries(items.map((v) => [v.name, JSON.parse(v.value) as unknown]));

  const variables = async (processInstanceKey: string) => {
    const items = await search<{ name: string; value: string; scopeKey: string }>('/v2/variables/search?truncateValues=false', { processInstanceKey });
    return parseVariables(items.filter((v) => v.scopeKey === processInstanceKey));
  };

  const state = async (processInstanceKey: string) => ((await ok('GET', `/v2/process-instances/${processInstanceKey}`)) as { state: string }).state;

  const activeIncidents = async (processInstanceKey?: string): Promise<Incident[]> => {
    const incidents = await search<Incident>('/v2/incidents/search', { state: 'ACTIVE' });
    if (!processInstanceKey) return incidents;
    const keys = new Set(await family(processInstanceKey));
    return incidents.filter((i) => keys.has(i.processInstanceKey));
  };

  const formOf = async (task: UserTask) => {
    const res = await h.http('GET', `/v2/user-tasks/${task.userTaskKey}/form`);
    if (res.status === 204) return undefined;
    if (res.status !== 200) throw new Error(`form of user task ${task.elementId}: HTTP ${res.status} ${JSON.stringify(res.body)}`);
    return JSON.parse((res.body as { schema: string }).schema) as Record<string, unknown>;
  };

  const describeIncidents = (incidents: Incident[]) => incidents.map((i) => `${i.elementId} (${i.errorType}): ${i.errorMessage}`).join('\n  ');

  const seedApplicant = (o: SeedApplicantOptions = {}) => {
    const n = o.n ?? 1;
    const birthDate = o.birthDate ?? '1980-06-15';
    const gender = o.gender ?? 'male';
    const idNumber = seedIdNumber(n, birthDate, gender, o.region);
    return {
      name: o.name ?? `申请人${n}`,
      idNumber,
      nationality: 'CN',
      birthDate,
      gender,
      occupation: { code: '6-18-01-01', name: '车工' },
      stillInOccupation: true,
      certificates: [],
      titles: [],
      workHistory: [],
      posts: [],
      appointments: [],
      honors: [],
      attestations: { lawAbiding: true, ethics: true, fit: true },
      ...o.record,
    };
  };

  return {
    harness: h,
    url: h.url,
    dataDir,
    registry,
    services: running.services,
    http: h.http,
    async deploy(resources) {
      await engine.deploy(resources.map((r) => ({ name: r.name, content: Buffer.from(r.content) })));
    },
    completeBypassingForm(task, variables) {
      engine.completeUserTask(task.userTaskKey, variables as Variables);
    },
    async startProcess(processDefinitionId, vars = {}) {
      const res = (await ok('POST', '/v2/process-instances', { processDefinitionId, variables: vars })) as { processInstanceKey: string };
      return res.processInstanceKey;
    },
    async waitForUserTask(q) {
      const where = `user task ${q.elementId}${q.processInstanceKey ? ` in instance ${q.processInstanceKey}` : ''}${q.candidateGroup ? ` for group ${q.candidateGroup}` : ''}`;
      return poll(async () => {
        const filter: Record<string, unknown> = { elementId: q.elementId, state: 'CREATED' };
        if (q.candidateGroup) filter.candidateGroup = q.candidateGroup;
        if (q.assignee) filter.assignee = q.assignee;
        let tasks = await search<UserTask>('/v2/user-tasks/search', filter);
        if (q.processInstanceKey) {
          const keys = new Set(await family(q.processInstanceKey));
          tasks = tasks.filter((t) => keys.has(t.processInstanceKey));
          if (tasks.length === 0) {
            const incidents = await activeIncidents(q.processInstanceKey);
            if (incidents.length) throw new Fatal(`the instance has incidents:\n  ${describeIncidents(incidents)}`);
          }
        }
        return tasks[0];
      }, q.timeoutMs ?? 10_000).catch((err: Error) => {
        throw new Error(`${where} did not appear: ${err.message}`);
      });
    },
    async completeUserTask(task, submitted, opts = {}) {
      const schema = await formOf(task);
      let vars = submitted;
      if (schema) {
        const taskVars = taskVariablesOf(await search<TaskVariableItem>(`/v2/user-tasks/${task.userTaskKey}/variables/search?truncateValues=false`, {}));
        const result = formSubmission(schema, submitted, taskVars, () => engine.clock.now());
        if (result.issues.length) {
          throw new Error(`user task ${task.elementId}: form ${String(schema.id)} would not submit this:\n  ${result.issues.join('\n  ')}`);
        }
        vars = result.variables;
      } else if (Object.keys(submitted).length > 0) {
        throw new Error(`user task ${task.elementId} has no form, so nothing can be submitted with it`);
      }
      if (opts.as) await ok('POST', `/v2/user-tasks/${task.userTaskKey}/assignment`, { assignee: opts.as, allowOverride: true });
      await ok('POST', `/v2/user-tasks/${task.userTaskKey}/completion`, { variables: vars });
      return vars;
    },
    formOf,
    async publish(name, correlationKey, vars = {}, timeToLiveMs) {
      await ok('POST', '/v2/messages/publication', { name, correlationKey, variables: vars, ...(timeToLiveMs !== undefined ? { timeToLive: timeToLiveMs } : {}) });
    },
    async advanceClock(to) {
      const target = typeof to === 'number' ? engine.clock.now() + to : toEpoch(to);
      if (target < engine.clock.now()) throw new Error(`the clock only moves forward: ${new Date(target).toISOString()} is before ${new Date(engine.clock.now()).toISOString()}`);
      await ok('PUT', '/v2/clock', { timestamp: target });
      return new Date(target);
    },
    now: () => new Date(engine.clock.now()),
    async waitForElement(q) {
      const wanted = q.state ?? 'ACTIVE';
      return poll(async () => {
        const keys = await family(q.processInstanceKey);
        for (const key of keys) {
          const [found] = await search<ElementInstance>('/v2/element-instances/search', { processInstanceKey: key, elementId: q.elementId, state: wanted });
          if (found) return found;
        }
        if (wanted === 'ACTIVE') {
          const incidents = await activeIncidents(q.processInstanceKey);
          if (incidents.length) throw new Fatal(`the instance has incidents:\n  ${describeIncidents(incidents)}`);
        }
        return undefined;
      }, q.timeoutMs ?? 10_000).catch((err: Error) => {
        throw new Error(`element ${q.elementId} of instance ${q.processInstanceKey} was not ${wanted}: ${err.message}`);
      });
    },
    async waitForIncident(q = {}) {
      return poll(async () => {
        const incidents = await activeIncidents(q.processInstanceKey);
        return incidents.find((i) => (!q.elementId || i.elementId === q.elementId) && (!q.errorType || i.errorType === q.errorType));
      }, q.timeoutMs ?? 10_000).catch((err: Error) => {
        throw new Error(`no incident${q.elementId ? ` at ${q.elementId}` : ''}${q.processInstanceKey ? ` in instance ${q.processInstanceKey}` : ''}: ${err.message}`);
      });
    },
    async waitForCompletion(processInstanceKey, timeoutMs = 10_000) {
      let last = 'ACTIVE';
      await poll(async () => {
        last = await state(processInstanceKey);
        if (last === 'COMPLETED') return true;
        if (last !== 'ACTIVE') throw new Fatal(`it ended ${last}`);
        const incidents = await activeIncidents(processInstanceKey);
        if (incidents.length) throw new Fatal(`it has incidents:\n  ${describeIncidents(incidents)}`);
        return false;
      }, timeoutMs).catch((err: Error) => {
        throw new Error(`instance ${processInstanceKey} did not complete (${last}): ${err.message}`);
      });
      return variables(processInstanceKey);
    },
    variables,
    state,
    family,
    tasksOf,
    async waitForTasks(processInstanceKey, elementId, n, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const tasks = await tasksOf(processInstanceKey, elementId);
        if (tasks.length === n) return tasks;
        if (Date.now() > deadline) {
          const incidents = await h.http('POST', '/v2/incidents/search', { filter: { state: 'ACTIVE' } });
          throw new Error(`expected ${n} ${elementId} tasks, found ${tasks.length}; incidents: ${JSON.stringify(incidents.body.items.map((i: { errorMessage: string }) => i.errorMessage))}`);
        }
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async taskVariables(task) {
      const res = await h.http('POST', `/v2/user-tasks/${task.userTaskKey}/variables/search?truncateValues=false`, { filter: {}, page: { limit: 1000 } });
      return taskVariablesOf(res.body.items as TaskVariableItem[]);
    },
    seed: {
      async enterprise(o = {}) {
        const jurisdiction = o.jurisdiction ?? 'guangdong';
        const n = o.n ?? 1;
        const divisionCode = o.divisionCode ?? SEED_DIVISIONS[jurisdiction];
        const creditCode = seedCreditCode(n, divisionCode);
        const province = divisionCode.slice(0, 2);
        await registry.enterprises.create({
          creditCode,
          name: `${JURISDICTION_OF_PROVINCE[province] === 'sichuan' ? '四川' : JURISDICTION_OF_PROVINCE[province] === 'fujian' ? '福建' : JURISDICTION_OF_PROVINCE[province] === 'guangdong' ? '广东' : ''}测试企业${n}有限公司`,
          divisionCode,
          aboveScale: true,
          large: true,
          by: SEED_BY,
          ...o.enterprise,
        });
        for (const level of o.levels ?? (['T', 'S'] as const)) {
          await registry.enterprises.fileEvaluator({
            creditCode,
            level,
            category: 'Y',
            evaluatorCode: '0000',
            siteSerial: String(n).padStart(6, '0'),
            authority: 'province',
            filedOn: o.filedOn ?? '2025-01-10',
            by: SEED_BY,
          });
        }
        return (await registry.enterprises.get(creditCode))!;
      },
      idNumber: seedIdNumber,
      creditCode: seedCreditCode,
      applicant: seedApplicant,
      campaign(enterprise, o = {}) {
        const jurisdiction = (o.jurisdiction as Jurisdiction | undefined) ?? JURISDICTION_OF_PROVINCE[enterprise.province] ?? 'national';
        const year = (o.year as number | undefined) ?? 2026;
        return registry.campaigns.create({
          jurisdiction,
          creditCode: enterprise.creditCode,
          levels: ['T', 'S'],
          year,
          ...(jurisdiction === 'guangdong' ? { batch: 1, deadline: `${year}-07-10` } : { deadline: `${year}-10-30` }),
          by: SEED_BY,
          ...o,
        });
      },
      application(campaignId, applicant, level = 'T') {
        return registry.applications.create({ campaignId, level, applicant: applicant as never, by: SEED_BY });
      },
    },
    async stop() {
      await h.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Thrown inside {@link poll}: ends the polling at once with this reason. */
class Fatal extends Error {}

/** Polls until fn returns a truthy value; other errors are retried until the time is up, Fatal ends it at once. */
function poll<T>(fn: () => Promise<T | undefined | null | false>, timeoutMs: number): Promise<T> {
  return eventually(fn, timeoutMs, (err) => err instanceof Fatal);
}
