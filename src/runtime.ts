/**
 * Starts pingpin: in embedded mode the engine on SQLite with its REST API under /v2; in cluster mode
 * nothing local but the app. Then deploys bpmn/ and forms/ and starts the job workers, which talk
 * to /v2 through @camunda8/sdk in both modes.
 */
import { webDistDir } from './package-root.js';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { existsSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Auth, Camunda8, CamundaRestClient } from '@camunda8/sdk';
import express from 'express';
import type { IProcessVariables } from '@camunda8/sdk/dist/zeebe/types.js';
import type { Logger } from 'pino';
import { workers as allWorkers } from '../workers/index.js';
import { IN_PROCESS_WORKER_PREFIX, startWorkers, type RunningWorkers, type WorkerDefinition } from '../workers/runtime.js';
import type { WorkerServices } from '../workers/services.js';
import type { ClusterAuth, Config } from './config.js';
import { loadWorkingDayCalendar } from './domain/holiday-loader.js';
import { Engine } from './engine/engine.js';
import { Queries } from './engine/queries.js';
import { Store } from './engine/store.js';
import { AuditLog } from './identity/audit.js';
import { Identity } from './identity/identity.js';
import { generatePassword, type HashCost } from './identity/passwords.js';
import { IdentityStore } from './identity/store.js';
import { createNationalRegistry } from './national-registry/index.js';
import { openRegistry, type Registry } from './registry/index.js';
import { collectResources } from './resources.js';
import { lockDataDir } from './data-dir-lock.js';
import { StorageMonitor } from './storage.js';
import { createApp } from './server/app.js';
import { DigestScheduler } from './notify/digest-scheduler.js';
import { LoggingNotifier } from './notify/notifier.js';

/** The service account the app's own job workers log in as (embedded mode, authentication on). */
export const WORKER_ACCOUNT = 'pingpin_worker';
/** Written on the first start when no PINGPIN_ADMIN_PASSWORD was given; removed once that password is changed. */
export const INITIAL_ADMIN_PASSWORD_FILE = 'initial-admin-password';

export interface Running {
  url: string;
  port: number;
  engine?: Engine;
  /** Embedded mode: users, groups, roles, authorizations. */
  identity?: Identity;
  /** Embedded mode: the access audit log. */
  audit?: AuditLog;
  registry: Registry;
  client: CamundaRestClient;
  /** The headers a REST call to the engine or cluster needs (authorization against a protected cluster). */
  authHeaders(): Promise<Record<string, string>>;
  /** Embedded mode: the Tasklist's daily digest sender (tests call `tick()` after moving the clock). */
  digests?: DigestScheduler;
  /** What the job workers were given (tests use the same registry, calendar and clock). */
  services: WorkerServices;
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Workers to start instead of the full list (tests). */
  workers?: WorkerDefinition[];
  /** Embedded mode: pin the engine clock to this epoch time (ms) before anything is deployed (tests, demos). */
  pinClockAt?: number;
  /**
   * Cluster mode: the time the registry and the workers use instead of the system clock, for a
   * cluster whose clock is controlled (ZEEBE_CLOCK_CONTROLLED=true) and moved by the caller (the demo).
   * Embedded mode ignores it: there the engine clock is the one clock.
   */
  clock?: () => number;
  /** scrypt cost for passwords (tests lower it; the default is the production cost). */
  hashCost?: HashCost;
}

/** The SDK client and the headers it sends, for the embedded engine (no auth) or a cluster (`auth`). */
export function sdkConnection(restAddress: string, auth: ClusterAuth = { strategy: 'NONE' }): { client: CamundaRestClient; authHeaders(): Promise<Record<string, string>> } {
  const config = {
    ZEEBE_REST_ADDRESS: restAddress,
    CAMUNDA_LOG_LEVEL: 'none',
    CAMUNDA_AUTH_STRATEGY: auth.strategy,
    // The SDK also reads these from the environment; config.ts validated them, so pass exactly those.
    ...(auth.strategy === 'BASIC' ? { CAMUNDA_BASIC_AUTH_USERNAME: auth.username, CAMUNDA_BASIC_AUTH_PASSWORD: auth.password } : {}),
    ...(auth.strategy === 'OAUTH'
      ? {
          ZEEBE_CLIENT_ID: auth.clientId,
          ZEEBE_CLIENT_SECRET: auth.clientSecret,
          CAMUNDA_OAUTH_URL: auth.oauthUrl,
          ...(auth.audience ? { ZEEBE_TOKEN_AUDIENCE: auth.audience } : {}),
          ...(auth.scope ? { CAMUNDA_TOKEN_SCOPE: auth.scope } : {}),
          // Tokens stay in memory: a container's home directory may be read-only.
          CAMUNDA_TOKEN_DISK_CACHE_DISABLE: true,
        }
      : {}),
  } as const;
  const provider: Auth.IHeadersProvider =
    auth.strategy === 'BASIC' ? new Auth.BasicAuthProvider({ config }) : auth.strategy === 'OAUTH' ? new Auth.OAuthProvider({ config }) : new Auth.NullAuthProvider();
  const client = new Camunda8({ ...config, oAuthProvider: provider }).getCamundaRestClient();
  return {
    client,
    // The SDK's null provider answers an empty authorization header: send none at all.
    authHeaders: async () => Object.fromEntries(Object.entries(await provider.getHeaders('ZEEBE')).filter((e): e is [string, string] => typeof e[1] === 'string' && e[1] !== '')),
  };
}

export function sdkClient(restAddress: string, auth?: ClusterAuth): CamundaRestClient {
  return sdkConnection(restAddress, auth).client;
}

export async function start(config: Config, logger: Logger, options: StartOptions = {}): Promise<Running> {
  // One clock for the registry and the workers: the engine's in embedded mode (so a pinned clock
  // moves timers, "today" and the registry's timestamps together), against a cluster the system
  // clock, or the caller's when it controls the cluster's clock.
  let engineClock: Engine['clock'] | undefined;
  const now = (): Date => new Date(engineClock ? engineClock.now() : options.clock ? options.clock() : Date.now());
  // Read the holiday schedules first: a bad file stops the start before anything is opened.
  const calendar = loadWorkingDayCalendar(config.holidaysDir, { weekendsOnlyFallback: config.holidaysWeekendsOnly });
  // One server per data directory, before anything in it is opened.
  const lock = lockDataDir(config.dataDir);
  // The system of record opens first: its migrations run at start, and a bad database stops the start.
  let registry: Registry;
  try {
    registry = await openRegistry({ dataDir: config.dataDir, databaseUrl: config.databaseUrl, logger: logger.child({ component: 'registry' }), now });
  } catch (err) {
    lock.release();
    throw err;
  }
  let engine: Engine | undefined;
  let store: Store | undefined;
  let identityStore: IdentityStore | undefined;
  let identity: Identity | undefined;
  let audit: AuditLog | undefined;
  let workerAuth: ClusterAuth | undefined;
  let digests: DigestScheduler | undefined;
  let queries: Queries | undefined;
  let app: express.Express;
  // Liveness and readiness for orchestrators (docker-compose, Kubernetes): 503 until the models are
  // deployed and the workers started, so a health check does not pass on a half-started app.
  const health: { status: 'STARTING' | 'UP' | 'STOPPING'; deployed?: number; workers?: number } = { status: 'STARTING' };
  // DOWN while the disk under DATA_DIR takes no writes, UP again by itself once it does.
  const storage = new StorageMonitor(config.dataDir, logger.child({ component: 'storage' }));
  const publicRoutes = express.Router();
  publicRoutes.get('/health', (_req, res) => {
    const disk = storage.state;
    const status = disk.ok ? health.status : 'DOWN';
    res.status(status === 'UP' ? 200 : 503).json({ ...health, status, mode: config.mode, ...(disk.ok ? {} : { reason: disk.reason, since: disk.since }) });
  });
  try {
    if (config.mode === 'embedded') {
      store = new Store(join(config.dataDir, 'engine.db'));
      engine = await Engine.open({
        store,
        logger: logger.child({ component: 'engine' }),
        ...(config.feelBudgetMs !== undefined ? { feelBudget: { timeMs: config.feelBudgetMs } } : {}),
      });
      engineClock = engine.clock;
      settleClock(engine, config, logger);
      if (config.startWorkers) {
        // Jobs our own workers held when the last process died would otherwise wait out their
        // timeouts (up to minutes) before anyone works on them again.
        const released = engine.releaseJobsOfWorkers(IN_PROCESS_WORKER_PREFIX);
        if (released > 0) logger.info({ released }, `${released} job(s) held by this server's workers before a restart are workable again`);
      }
      if (options.pinClockAt !== undefined) engine.pinClock(options.pinClockAt);
      identityStore = new IdentityStore(join(config.dataDir, 'identity.db'));
      identity = new Identity(identityStore, { hashCost: options.hashCost });
      audit = new AuditLog(identityStore);
      await prepareIdentity(identity, config, logger);
      if (config.auth === 'on') {
        // The workers' secret is new at every start and lives only in this process.
        const password = generatePassword();
        await identity.ensureServiceAccount(WORKER_ACCOUNT, 'worker', password);
        workerAuth = { strategy: 'BASIC', username: WORKER_ACCOUNT, password };
      } else {
        logger.warn({ host: config.host }, 'PINGPIN_AUTH=none: authentication is OFF; anyone who can reach this address can do anything. For local work only.');
      }
      queries = new Queries(store.db);
      const engineNow = engine.clock;
      app = createApp({
        engine,
        queries,
        now: () => engineNow.now(),
        tasklist: { queries, people: identity, store: registry, calendar, now: () => engineNow.now() },
        logger: logger.child({ component: 'http' }),
        auth: config.auth === 'on' ? { mode: 'on', identity, audit } : { mode: 'none', identity, audit },
        publicRoutes,
        clockControlled: config.clockControlled,
        storage,
        webDir: webDistDir(),
        ...(config.maxMessageBytes !== undefined ? { maxVariablesBytes: config.maxMessageBytes } : {}),
      });
    } else {
      app = express();
      app.use(publicRoutes);
    }
  } catch (err) {
    engine?.close();
    store?.close();
    identityStore?.close();
    await registry.close();
    lock.release();
    throw err;
  }
  let server: Server;
  try {
    server = await new Promise((resolve, reject) => {
      // Express 5 calls back with the error too (a port in use): only a listening server resolves.
      const s = app.listen(config.port, config.host, (err?: Error) => (err ? reject(err) : resolve(s)));
    });
  } catch (err) {
    engine?.close();
    store?.close();
    identityStore?.close();
    await registry.close();
    lock.release();
    throw err;
  }
  storage.start();
  if (engine && identity && queries) {
    // The Tasklist's daily digest of due and overdue tasks (src/notify): by the engine clock, logged
    // until an operator plugs in an e-mail or SMS adapter.
    const tasks = queries;
    const people = identity;
    const engineNow = engine.clock;
    digests = new DigestScheduler({
      now: () => engineNow.now(),
      calendar,
      people: () => people.people(),
      tasksOf: (party) => tasks.openTasksOfParty(party),
      state: registry.tasklistUsers,
      notifier: new LoggingNotifier(logger.child({ component: 'notify' })),
      logger: logger.child({ component: 'digest' }),
    });
    digests.start();
  }
  const closeAll = async () => {
    storage.stop();
    await digests?.stop();
    engine?.close();
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
    store?.close();
    identityStore?.close();
    await registry.close();
    lock.release();
  };
  const port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;
  const restAddress = config.mode === 'embedded' ? url : config.clusterRestAddress!;
  logger.info(
    { port, mode: config.mode, dataDir: config.mode === 'embedded' ? config.dataDir : undefined, ...(config.mode === 'cluster' ? { cluster: config.clusterRestAddress, auth: config.clusterAuth?.strategy ?? 'NONE' } : {}) },
    `pingpin listening on port ${port}`,
  );

  const { client, authHeaders } = sdkConnection(restAddress, config.mode === 'cluster' ? config.clusterAuth : workerAuth);
  const resources = collectResources(config.resourceDirs);
  try {
    if (resources.length > 0) {
      if (engine) {
        await engine.deploy(resources.map((r) => ({ name: r.name, content: r.content })));
      } else {
        await client.deployResources(resources.map((r) => ({ name: r.name, content: r.content.toString('utf8') })));
      }
      logger.info({ resources: resources.map((r) => r.name) }, `deployed ${resources.length} resources`);
    } else {
      logger.info({ dirs: config.resourceDirs }, 'no models or forms to deploy');
    }
  } catch (err) {
    // A deployment the engine refuses stops the start; nothing stays open behind it.
    await closeAll();
    throw err;
  }

  const nationalRegistry = createNationalRegistry(config.nationalRegistry, { registry, logger: logger.child({ component: 'national-registry' }) });
  logger.info({ nationalRegistry: nationalRegistry.kind, ...(config.nationalRegistry.kind === 'http' ? { url: config.nationalRegistry.url } : {}) }, 'national certificate query system adapter');
  const services: WorkerServices = {
    registry,
    calendar,
    nationalRegistry,
    modelsDir: config.modelsDir,
    now,
    ...(engine ? { causeOf: (jobKey: string) => engine!.jobCause(jobKey) } : {}),
    async publishMessage(name, correlationKey, variables, timeToLiveMs, messageId) {
      try {
        await client.publishMessage({
          name,
          correlationKey,
          variables: variables as IProcessVariables,
          ...(timeToLiveMs !== undefined ? { timeToLive: timeToLiveMs } : {}),
          ...(messageId !== undefined ? { messageId } : {}),
        });
      } catch (err) {
        // 409 with a messageId: the engine still buffers the message this id names (a redelivered
        // job publishing it again). It was published once, which is what the caller asked for.
        const status = (err as { statusCode?: unknown; response?: { statusCode?: unknown } }).statusCode ?? (err as { response?: { statusCode?: unknown } }).response?.statusCode;
        if (messageId !== undefined && status === 409) {
          logger.debug({ message: name, correlationKey, messageId }, 'message already published with this id; not published again');
          return;
        }
        throw err;
      }
    },
  };

  let running: RunningWorkers | undefined;
  if (config.startWorkers) running = startWorkers(client, options.workers ?? allWorkers, logger.child({ component: 'workers' }), services);
  Object.assign(health, { status: 'UP', deployed: resources.length, workers: config.startWorkers ? (options.workers ?? allWorkers).length : 0 });

  let stopping: Promise<void> | undefined;
  return {
    url,
    port,
    engine,
    identity,
    audit,
    registry,
    client,
    authHeaders,
    services,
    digests,
    stop() {
      stopping ??= (async () => {
        health.status = 'STOPPING';
        await running?.stop();
        await closeAll();
        logger.info('pingpin stopped');
      })();
      return stopping;
    },
  };
}

/**
 * Zeebe's ZEEBE_CLOCK_CONTROLLED at start: a clock left pinned in DATA_DIR stays pinned only when the
 * engine is started with the clock controllable; otherwise it returns to system time, and says so.
 */
function settleClock(engine: Engine, config: Config, logger: Logger): void {
  if (!engine.clock.isPinned()) return;
  const pinnedAt = new Date(engine.clock.now()).toISOString();
  if (config.clockControlled) {
    logger.warn({ pinnedAt }, `the engine clock is pinned at ${pinnedAt} (ENGINE_CLOCK_CONTROLLED=true): timers and dates follow it, not the system clock`);
  } else {
    engine.resetClock();
    logger.warn({ pinnedAt }, `the engine clock was left pinned at ${pinnedAt}; without ENGINE_CLOCK_CONTROLLED=true it runs on system time again`);
  }
}

/**
 * Built-in roles, and on the first start the first administrator: with PINGPIN_ADMIN_PASSWORD, or a
 * generated password written once to the log and to DATA_DIR/initial-admin-password (0600), which
 * must be changed at the first login (the file is removed at the first start after that).
 */
async function prepareIdentity(identity: Identity, config: Config, logger: Logger): Promise<void> {
  identity.ensureBuiltInRoles();
  const file = join(config.dataDir, INITIAL_ADMIN_PASSWORD_FILE);
  if (!identity.hasUsers()) {
    const generated = config.adminPassword === undefined;
    const password = config.adminPassword ?? generatePassword();
    await identity.createInitialAdmin(config.adminUsername, password, generated);
    if (generated) {
      writeFileSync(file, `${password}\n`, { mode: 0o600 });
      logger.warn(
        { username: config.adminUsername, passwordFile: file },
        `initial administrator '${config.adminUsername}' created with password ${password} (also in ${file}); log in at /login and change it`,
      );
    } else {
      logger.info({ username: config.adminUsername }, `initial administrator '${config.adminUsername}' created with PINGPIN_ADMIN_PASSWORD`);
    }
    return;
  }
  if (existsSync(file) && identity.principal(config.adminUsername)?.mustChangePassword === false) {
    unlinkSync(file);
    logger.info({ passwordFile: file }, 'the initial administrator password was changed; its file is removed');
  }
}
