/**
 * `pingpin demo`: starts pingpin (embedded engine by default, a Camunda 8.8 cluster when
 * CAMUNDA_REST_ADDRESS is set), seeds the demo data, drives one campaign per jurisdiction and level
 * through every step as its clerks would, and reports the certificates issued, read back from the
 * registry.
 */
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pino from 'pino';
import type { Config } from '../config.js';
import { packageRoot } from '../package-root.js';
import { parseCertificateCode } from '../domain/certificate-code.js';
import { chinaDate } from '../domain/china-time.js';
import { generatePassword, type HashCost } from '../identity/passwords.js';
import { start, type Running } from '../runtime.js';
import { DEMO_OPERATOR, DEMO_PASSWORD, provisionStaff, type Staff } from './people.js';
import { Clerk, DemoError, Rest, type RestOptions } from './clerk.js';
import { type CampaignOutcome, type DemoClock, runCampaign } from './scenarios.js';
import { demoCampaigns, inThePresent, JURISDICTION_NAMES, LEVEL_NAMES, seedRegistry, type SeededCampaign } from './seed.js';
import type { WorkerDefinition } from '../../workers/runtime.js';
import { maskName, padColumns } from './text.js';

export type Lang = 'zh' | 'en' | 'both';

export interface DemoOptions {
  /** Where the registry and the engine keep their data; must be empty or absent. */
  dataDir: string;
  lang: Lang;
  /** The configuration from the environment (mode, cluster address, holidays …); the demo overrides data dir, port and workers. */
  config: Config;
  /** Each printed line (the command writes them to stdout, a test collects them). */
  print(line: string): void;
  /** pino level of the app's own log, written to stderr (default error). */
  logLevel?: string;
  /** How long to wait for the next step of a campaign (default 30 s). */
  idleTimeoutMs?: number;
  /** Embedded mode: the date the demo starts on (default 2026-04-15 09:00 Asia/Shanghai, so Guangdong's batch 1 is open). */
  startAt?: string;
  /** The job workers to run (default: every worker in workers/index.ts); tests wrap them. */
  workers?: WorkerDefinition[];
  /** Sees every REST request of the clerks and the clock with its answer (tests check them against the 8.8 API). */
  onRequest?: RestOptions['onRequest'];
  /** scrypt cost of the demo users' passwords (default DEMO_HASH_COST; tests lower it further). */
  hashCost?: HashCost;
}

export interface CertificateRow {
  jurisdiction: string;
  level: 'T' | 'S';
  campaignId: string;
  applicationId: string;
  name: string;
  nameMasked: string;
  code: string;
  issuedOn: string;
  valid: boolean;
}

export interface CandidateRow {
  campaign: string;
  applicationId: string;
  name: string;
  role: string;
  expectedBasis: string[];
  eligible: boolean | null;
  route: string | null;
  basis: string[];
  status: string;
  certificateCode: string | null;
  banned: boolean;
}

export interface DemoResult {
  mode: 'embedded' | 'cluster';
  dataDir: string;
  url: string;
  startedOn: string;
  finishedOn: string;
  durationMs: number;
  campaigns: CampaignOutcome[];
  certificates: CertificateRow[];
  candidates: CandidateRow[];
}

export const DEFAULT_START = '2026-04-15T09:00:00+08:00';

/** Against a cluster: how long nothing must be open before the demo moves the clock (its searches read secondary storage, which lags the engine). */
export const CLUSTER_SETTLE_MS = 3_000;

/** The repository (or installed package) root: where bpmn/, forms/ and config/ are. */

/**
 * The demo's passwords are printed on its screen, so a production-strength hash (0.1 s each, for some
 * 40 users created and then logging in) would only make the demo slower: a lighter scrypt cost, the
 * same code path. A real start uses the full cost.
 */
export const DEMO_HASH_COST: HashCost = { N: 2 ** 12, r: 8, p: 1 };

export function freshDataDir(): string {
  return mkdtempSync(join(tmpdir(), 'pingpin-demo-'));
}

export async function runDemo(options: DemoOptions): Promise<DemoResult> {
  const began = Date.now();
  const lang = options.lang;
  const say = (zh: string, en: string) => options.print(lang === 'zh' ? zh : lang === 'en' ? en : `${zh} / ${en}`);
  const dataDir = resolve(options.dataDir);
  if (existsSync(dataDir) && readdirSync(dataDir).length > 0) {
    throw new DemoError(`数据目录 ${dataDir} 不为空：演示需要一个空目录（或不指定 --data-dir，使用新的临时目录）`, `data directory ${dataDir} is not empty: the demo needs an empty one (or omit --data-dir for a fresh temporary directory)`);
  }
  const root = packageRoot();
  const config: Config = {
    ...options.config,
    dataDir,
    port: 0,
    host: '127.0.0.1',
    startWorkers: true,
    // The demo never uploads to a real national certificate system, nor writes into a shared
    // registry database (DATABASE_URL): its registry is SQLite in its own data directory.
    nationalRegistry: { kind: 'local' },
    databaseUrl: undefined,
    resourceDirs: options.config.resourceDirs.length ? options.config.resourceDirs : [join(root, 'bpmn'), join(root, 'forms')],
    // The demo moves the engine clock through publicity windows (Zeebe: ZEEBE_CLOCK_CONTROLLED).
    clockControlled: true,
    // Its administrator sets up the clerks; a fresh data directory gets a fresh password unless one is given.
    adminPassword: options.config.adminPassword ?? generatePassword(),
  };
  const cluster = config.mode === 'cluster';
  const startAt = cluster ? Date.now() : Date.parse(options.startAt ?? DEFAULT_START);
  const logger = pino({ level: options.logLevel ?? 'error', base: { app: 'pingpin-demo' } }, pino.destination(2));

  say(
    cluster ? `连接 Camunda 8.8 集群 ${config.clusterRestAddress}，数据目录 ${dataDir}` : `启动内嵌引擎，数据目录 ${dataDir}，引擎时钟固定在 ${chinaDate(startAt)} 09:00（北京时间）`,
    cluster ? `using the Camunda 8.8 cluster at ${config.clusterRestAddress}, data directory ${dataDir}` : `starting the embedded engine, data directory ${dataDir}, engine clock pinned at ${chinaDate(startAt)} 09:00 (Asia/Shanghai)`,
  );
  // Cluster mode: the registry and the workers read the time the demo pins on the cluster.
  const clusterTime = { pinned: startAt };
  const running = await start(config, logger, {
    ...(cluster ? { clock: () => clusterTime.pinned } : { pinClockAt: startAt }),
    ...(options.workers ? { workers: options.workers } : {}),
    hashCost: options.hashCost ?? DEMO_HASH_COST,
  });
  try {
    const restOptions = { baseUrl: cluster ? config.clusterRestAddress! : running.url, ...(options.onRequest ? { onRequest: options.onRequest } : {}) };
    const basic = (username: string, password: string) => ({ authorization: `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}` });
    // Embedded: the administrator sets the clerks up, the operator watches; against a cluster, the configured client does both.
    const admin = new Rest({ ...restOptions, headers: cluster ? () => running.authHeaders() : () => basic(config.adminUsername, config.adminPassword!) });
    const year = Number(chinaDate(cluster ? clusterTime.pinned : startAt).slice(0, 4));
    const seeds = demoCampaigns().map((s) => (cluster ? inThePresent(s, clusterTime.pinned) : s));
    const seeded = await seedRegistry(running.registry, seeds, year);
    let staff: Staff | undefined;
    if (!cluster) {
      staff = await provisionStaff(admin, seeded, restOptions);
      say(
        `已通过 /v2 创建演示用户 ${staff.users.length} 名（每个候选组一名经办人、评审专家、运维人员、公众渠道），密码均为 ${DEMO_PASSWORD}；每项任务由其经办人本人认领并办理`,
        `created ${staff.users.length} demo users through /v2 (a clerk per candidate group, the experts, an operator, the public channel), all with password ${DEMO_PASSWORD}; every task is claimed and completed by its own clerk`,
      );
    }
    const rest = staff ? staff.as(DEMO_OPERATOR) : admin;
    const clock = await demoClock(running, rest, cluster, clusterTime);
    const clerk = new Clerk(rest, () => clock.now(), staff);
    say(
      `已登记演示数据：${new Set(seeded.map((s) => s.enterprise.creditCode)).size} 家企业（含评价机构备案），${seeded.length} 个评聘活动，${seeded.reduce((n, s) => n + s.applications.length, 0)} 名申报人`,
      `seeded ${new Set(seeded.map((s) => s.enterprise.creditCode)).size} enterprises with their evaluator filings, ${seeded.length} campaigns, ${seeded.reduce((n, s) => n + s.applications.length, 0)} applicants`,
    );
    for (const s of seeded) {
      say(
        `${JURISDICTION_NAMES[s.jurisdiction].zh}·${LEVEL_NAMES[s.level].zh}：${s.enterprise.name}（统一社会信用代码 ${s.enterprise.creditCode}）`,
        `${JURISDICTION_NAMES[s.jurisdiction].en}·${s.level}: ${s.enterprise.name} (credit code ${s.enterprise.creditCode})`,
      );
    }

    const ctx = { clerk, clock, registry: running.registry, say, idleTimeoutMs: options.idleTimeoutMs ?? 30_000, settleMs: cluster ? CLUSTER_SETTLE_MS : 0 };
    const campaigns: CampaignOutcome[] = [];
    for (const s of seeded) campaigns.push(await runCampaign(ctx, s));

    const certificates = await certificateRows(running, seeded, campaigns);
    const candidates = await candidateRows(running, seeded, clock.now());
    printSummary(say, options.print, lang, certificates, candidates);
    const result: DemoResult = {
      mode: config.mode,
      dataDir,
      url: running.url,
      startedOn: chinaDate(startAt),
      finishedOn: chinaDate(clock.now()),
      durationMs: Date.now() - began,
      campaigns,
      certificates,
      candidates,
    };
    if (!cluster) {
      say(
        `管理员 ${config.adminUsername} 的密码：${config.adminPassword}。用 DATA_DIR=${dataDir} npm start 启动后可登录查看（ENGINE_CLOCK_CONTROLLED=true 保留演示时钟）`,
        `administrator ${config.adminUsername}, password ${config.adminPassword}. Start DATA_DIR=${dataDir} npm start to log in and look (ENGINE_CLOCK_CONTROLLED=true keeps the demo's clock)`,
      );
    }
    say(`演示完成，用时 ${(result.durationMs / 1000).toFixed(1)} 秒（业务日期 ${result.startedOn} 至 ${result.finishedOn}）`, `demo finished in ${(result.durationMs / 1000).toFixed(1)} s (business dates ${result.startedOn} to ${result.finishedOn})`);
    return result;
  } finally {
    await running.stop();
  }
}

/**
 * The demo's clock. Embedded: the engine clock, pinned at the start date, moved with `PUT /v2/clock`.
 * Cluster: Camunda 8.8 pins its clock only when the broker runs with ZEEBE_CLOCK_CONTROLLED=true
 * (zeebe.clock.controlled); the demo pins it to the present and moves it forward through the
 * publicity windows, and the local job workers' "today" follows the same time, so notices, timers
 * and the registry's dates agree.
 */
async function demoClock(running: Running, rest: Rest, cluster: boolean, clusterTime: { pinned: number }): Promise<DemoClock> {
  if (!cluster) {
    const engine = running.engine!;
    return {
      now: () => engine.clock.now(),
      async advanceTo(ms) {
        if (ms <= engine.clock.now()) return;
        await rest.ok('PUT', '/v2/clock', { timestamp: ms });
      },
    };
  }
  const pin = async (ms: number) => {
    const res = await rest.call('PUT', '/v2/clock', { timestamp: ms });
    if (res.status >= 300) {
      const detail = typeof res.body === 'object' && res.body ? (res.body.detail ?? res.body.title ?? JSON.stringify(res.body)) : String(res.body);
      throw new DemoError(
        `集群拒绝调整时钟（PUT /v2/clock 返回 HTTP ${res.status}：${detail}）。演示需要推进公示期，请以受控时钟启动 Zeebe：设置环境变量 ZEEBE_CLOCK_CONTROLLED=true（或 application.yaml 中 zeebe.clock.controlled: true）后重启集群。`,
        `the cluster refused to move its clock (PUT /v2/clock answered HTTP ${res.status}: ${detail}). The demo moves time through publicity windows: start Zeebe with a controlled clock, ZEEBE_CLOCK_CONTROLLED=true (zeebe.clock.controlled: true in application.yaml), and restart the cluster.`,
      );
    }
    clusterTime.pinned = ms;
  };
  await pin(clusterTime.pinned);
  return {
    now: () => clusterTime.pinned,
    async advanceTo(ms) {
      if (ms > clusterTime.pinned) await pin(ms);
    },
  };
}


async function certificateRows(running: Running, seeded: SeededCampaign[], campaigns: CampaignOutcome[]): Promise<CertificateRow[]> {
  const rows: CertificateRow[] = [];
  for (const c of campaigns) {
    const s = seeded.find((x) => x.key === c.key)!;
    for (const issued of c.certificates) {
      const cert = await running.registry.certificates.get(issued.certificateCode);
      if (!cert) throw new DemoError(`证书 ${issued.certificateCode} 不在登记系统中`, `certificate ${issued.certificateCode} is not in the registry`);
      const name = s.applications.find((a) => a.applicationId === issued.applicationId)?.name ?? cert.holderName;
      rows.push({
        jurisdiction: c.jurisdiction,
        level: c.level,
        campaignId: c.campaignId,
        applicationId: issued.applicationId,
        name,
        nameMasked: maskName(name),
        code: cert.code,
        issuedOn: cert.issuedOn,
        valid: parseCertificateCode(cert.code).valid && cert.status === 'valid',
      });
    }
  }
  return rows;
}

async function candidateRows(running: Running, seeded: SeededCampaign[], now: number): Promise<CandidateRow[]> {
  const rows: CandidateRow[] = [];
  const asOf = chinaDate(now);
  for (const s of seeded) {
    for (const a of s.applications) {
      const app = await running.registry.applications.get(a.applicationId);
      const e = (app?.eligibility ?? null) as { eligible?: boolean; route?: string | null; basis?: string[] } | null;
      const cert = await running.registry.certificates.byApplication(a.applicationId);
      const bans = await running.registry.bans.active({ idNumber: a.idNumber, asOf });
      rows.push({
        campaign: s.key,
        applicationId: a.applicationId,
        name: a.name,
        role: a.role,
        expectedBasis: a.expectedBasis,
        eligible: e?.eligible ?? null,
        route: e?.route ?? null,
        basis: e?.basis ?? [],
        status: app?.status ?? 'unknown',
        certificateCode: cert?.code ?? null,
        banned: bans.length > 0,
      });
    }
  }
  return rows;
}

const STATUS_ZH: Record<string, string> = {
  appointed: '已聘任',
  ineligible: '资格不符',
  disqualified: '取消资格',
  rejected: '未通过',
  certified: '已发证',
};

function printSummary(say: (zh: string, en: string) => void, print: (line: string) => void, lang: Lang, certificates: CertificateRow[], candidates: CandidateRow[]): void {
  print('');
  say('—— 申报人结果（资格依据为 DMN 条款代码）——', '—— Applicants (eligibility basis as DMN clause codes) ——');
  for (const c of candidates) {
    const outcome = c.certificateCode ?? (c.banned ? '禁止申报5年 / banned 5 years' : '-');
    const zh = STATUS_ZH[c.status] ?? c.status;
    const status = lang === 'en' ? c.status : lang === 'zh' ? zh : `${zh}/${c.status}`;
    print(`  ${padColumns(c.campaign, 12)} ${padColumns(maskName(c.name), 8)} ${padColumns(c.route ?? (c.eligible === false ? 'ineligible' : '-'), 12)} ${padColumns(c.basis.join(',') || '-', 26)} ${padColumns(status, 22)} ${outcome}`);
  }
  print('');
  say('—— 颁发的证书（读自登记系统）——', '—— Certificates issued (read from the registry) ——');
  const header = lang === 'en' ? ['jurisdiction', 'level', 'name', 'certificate code'] : lang === 'zh' ? ['地区', '等级', '姓名', '证书编码'] : ['地区/jurisdiction', '等级/level', '姓名/name', '证书编码/certificate code'];
  print(`  ${padColumns(header[0]!, 22)} ${padColumns(header[1]!, 16)} ${padColumns(header[2]!, 12)} ${header[3]}`);
  for (const r of certificates) {
    const j = JURISDICTION_NAMES[r.jurisdiction as keyof typeof JURISDICTION_NAMES];
    const l = LEVEL_NAMES[r.level];
    const jur = lang === 'en' ? j.en : lang === 'zh' ? j.zh : `${j.zh}/${j.en}`;
    const lev = lang === 'en' ? r.level : lang === 'zh' ? l.zh : `${l.zh}/${r.level}`;
    print(`  ${padColumns(jur, 22)} ${padColumns(lev, 16)} ${padColumns(r.nameMasked, 12)} ${r.code}`);
  }
}
