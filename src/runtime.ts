/**
 * Starts pingpin: in embedded mode the engine on SQLite with its REST API under /v2; in cluster mode
 * nothing local but the app. Then deploys bpmn/ and forms/ and starts the job workers, which talk
 * to /v2 through @camunda8/sdk in both modes.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { join } from 'node:path';
import { Camunda8, CamundaRestClient } from '@camunda8/sdk';
import express from 'express';
import type { Logger } from 'pino';
import { workers as allWorkers } from '../workers/index.js';
import { startWorkers, type RunningWorkers, type WorkerDefinition } from '../workers/runtime.js';
import type { Config } from './config.js';
import { Engine } from './engine/engine.js';
import { Queries } from './engine/queries.js';
import { Store } from './engine/store.js';
import { openRegistry, type Registry } from './registry/index.js';
import { collectResources } from './resources.js';
import { createApp } from './server/app.js';

export interface Running {
  url: string;
  port: number;
  engine?: Engine;
  registry: Registry;
  client: CamundaRestClient;
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Workers to start instead of the full list (tests). */
  workers?: WorkerDefinition[];
}

export function sdkClient(restAddress: string): CamundaRestClient {
  const c8 = new Camunda8({
    ZEEBE_REST_ADDRESS: restAddress,
    CAMUNDA_AUTH_STRATEGY: 'NONE',
    CAMUNDA_LOG_LEVEL: 'none',
  });
  return c8.getCamundaRestClient();
}

export async function start(config: Config, logger: Logger, options: StartOptions = {}): Promise<Running> {
  // The system of record opens first: its migrations run at start, and a bad database stops the start.
  const registry = await openRegistry({ dataDir: config.dataDir, databaseUrl: config.databaseUrl, logger: logger.child({ component: 'registry' }) });
  let engine: Engine | undefined;
  let store: Store | undefined;
  let app: express.Express;
  if (config.mode === 'embedded') {
    store = new Store(join(config.dataDir, 'engine.db'));
    engine = await Engine.open({ store, logger: logger.child({ component: 'engine' }) });
    app = createApp({ engine, queries: new Queries(store.db), logger: logger.child({ component: 'http' }) });
  } else {
    app = express();
  }
  const server: Server = await new Promise((resolve, reject) => {
    const s = app.listen(config.port, config.host, () => resolve(s));
    s.once('error', reject);
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;
  const restAddress = config.mode === 'embedded' ? url : config.clusterRestAddress!;
  logger.info({ port, mode: config.mode, dataDir: config.mode === 'embedded' ? config.dataDir : undefined }, `pingpin listening on port ${port}`);

  const client = sdkClient(restAddress);
  const resources = collectResources(config.resourceDirs);
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

  let running: RunningWorkers | undefined;
  if (config.startWorkers) running = startWorkers(client, options.workers ?? allWorkers, logger.child({ component: 'workers' }));

  let stopping: Promise<void> | undefined;
  return {
    url,
    port,
    engine,
    registry,
    client,
    stop() {
      stopping ??= (async () => {
        await running?.stop();
        engine?.close();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
        store?.close();
        await registry.close();
        logger.info('pingpin stopped');
      })();
      return stopping;
    },
  };
}
