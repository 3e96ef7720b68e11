/**
 * docker-compose.yml, Dockerfile and .dockerignore checked as files (there is no Docker engine in CI):
 * the services and their pinned images, ports, health checks, volumes, and that the app's environment
 * is what src/config.ts reads.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadConfig } from '../../src/config.js';

const root = join(import.meta.dirname, '..', '..');
const read = (file: string) => readFileSync(join(root, file), 'utf8');

interface Service {
  image?: string;
  build?: unknown;
  profiles?: string[];
  command?: string[];
  restart?: string;
  ports?: string[];
  environment?: Record<string, string> | string[];
  volumes?: string[];
  healthcheck?: { test: string[] | string; interval?: string; retries?: number; start_period?: string };
  depends_on?: Record<string, { condition: string }>;
  configs?: { source: string; target: string }[];
}
interface Compose {
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
  configs?: Record<string, { content?: string }>;
}

const compose = parse(read('docker-compose.yml')) as Compose;
const dockerfile = read('Dockerfile');
const pkg = JSON.parse(read('package.json')) as { engines: { node: string }; scripts: Record<string, string> };

/** Compose interpolation of `${NAME:-default}` / `${NAME}` with an empty shell environment. */
function interpolate(value: string): string {
  return value.replace(/\$\{(\w+)(?::?-([^}]*))?\}/g, (_m, _name: string, dflt?: string) => dflt ?? '');
}

function envOf(service: Service): Record<string, string> {
  const env = service.environment ?? {};
  const entries = Array.isArray(env)
    ? env.map((line) => {
        const i = line.indexOf('=');
        return [line.slice(0, i), line.slice(i + 1)] as const;
      })
    : Object.entries(env).map(([k, v]) => [k, String(v)] as const);
  return Object.fromEntries(entries.map(([k, v]) => [k, interpolate(v)]));
}

function service(name: string): Service {
  const s = compose.services[name];
  if (!s) throw new Error(`docker-compose.yml has no service ${name}`);
  return s;
}

function containerPorts(s: Service): number[] {
  return (s.ports ?? []).map((p) => Number(interpolate(p).split(':').at(-1)));
}

describe('docker-compose.yml', () => {
  it('runs the Orchestration Cluster, its secondary storage and the app; the demo only with its profile', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['camunda', 'demo', 'elasticsearch', 'pingpin']);
    const always = Object.entries(compose.services).filter(([, s]) => !s.profiles?.length).map(([n]) => n);
    expect(always.sort()).toEqual(['camunda', 'elasticsearch', 'pingpin']);
    expect(service('demo').profiles).toEqual(['demo']);
  });

  it('runs the demo (docs/demo.md) once against the cluster, from the app image', () => {
    const demo = service('demo');
    expect(demo.image).toBe(service('pingpin').image);
    expect(demo.command).toEqual(['node', 'bin/pingpin.js', 'demo']);
    expect(demo.restart).toBe('no');
    expect(demo.ports ?? []).toEqual([]);
    expect(demo.depends_on).toEqual({ camunda: { condition: 'service_healthy' } });
    const env = envOf(demo);
    expect(loadConfig(env, '/app').clusterRestAddress).toBe('http://camunda:8080');
    const configSource = read('src/config.ts');
    for (const name of Object.keys(env)) expect(configSource, name).toMatch(new RegExp(`^\\s+${name}:`, 'm'));
  });

  it('pins every image to a version: Camunda 8.8.x, never latest', () => {
    expect(service('camunda').image).toMatch(/^camunda\/camunda:8\.8\.\d+$/);
    expect(service('elasticsearch').image).toMatch(/^docker\.elastic\.co\/elasticsearch\/elasticsearch:8\.\d+\.\d+$/);
    for (const [name, s] of Object.entries(compose.services)) {
      if (s.image) expect(s.image, name).not.toMatch(/:latest$|^[^:]+$/);
    }
    expect(service('pingpin').build).toBeDefined();
  });

  it('publishes the REST API / web apps, gRPC and management ports of Camunda', () => {
    const camunda = service('camunda');
    expect(containerPorts(camunda).sort((a, b) => a - b)).toEqual([8080, 9600, 26500]);
    expect(camunda.ports).toContain('8080:8080');
    expect(containerPorts(service('pingpin'))).toEqual([Number(envOf(service('pingpin')).PORT)]);
  });

  it('uses Elasticsearch as secondary storage and protects the REST API with the workers login', () => {
    const camunda = service('camunda');
    const mounted = camunda.configs?.find((c) => c.target === '/usr/local/camunda/config/application.yaml');
    expect(mounted).toBeDefined();
    const app = parse(compose.configs?.[mounted!.source]?.content ?? '') as {
      camunda: {
        security: { authentication: { method: string; unprotectedApi: boolean }; initialization: { users: { username: string; password: string }[] } };
        data: { 'secondary-storage': { type: string; elasticsearch: { url: string } } };
      };
    };
    expect(app.camunda.data['secondary-storage'].type).toBe('elasticsearch');
    expect(app.camunda.data['secondary-storage'].elasticsearch.url).toBe('http://elasticsearch:9200');
    expect(app.camunda.security.authentication.method).toBe('basic');
    expect(app.camunda.security.initialization.users).toContainEqual(expect.objectContaining({ username: 'demo', password: 'demo' }));
    expect(app.camunda.security.authentication.unprotectedApi).toBe(false);
    for (const name of ['pingpin', 'demo']) {
      const auth = loadConfig(envOf(service(name)), '/app').clusterAuth;
      expect(auth, name).toEqual({ strategy: 'BASIC', username: 'demo', password: 'demo' });
    }
  });

  it('lets the demo move the engine clock (ZEEBE_CLOCK_CONTROLLED, on by default)', () => {
    expect(envOf(service('camunda')).ZEEBE_CLOCK_CONTROLLED).toBe('true');
  });

  it('gives the app only variables src/config.ts reads, and they make a valid cluster-mode configuration', () => {
    const env = envOf(service('pingpin'));
    const configSource = read('src/config.ts');
    for (const name of Object.keys(env)) {
      expect(configSource, `${name} is not in src/config.ts's EnvSchema`).toMatch(new RegExp(`^\\s+${name}:`, 'm'));
    }
    const config = loadConfig(env, '/app');
    expect(config.mode).toBe('cluster');
    expect(config.clusterRestAddress).toBe('http://camunda:8080');
    expect(config.dataDir).toBe('/data');
    expect(new URL(config.clusterRestAddress!).hostname).toBe('camunda');
  });

  it('has a health check on every long-running service, and starts each one after what it needs is healthy', () => {
    for (const [name, s] of Object.entries(compose.services).filter(([n]) => n !== 'demo')) {
      expect(s.healthcheck?.test, `${name} health check`).toBeDefined();
      expect(s.healthcheck?.retries, `${name} health check retries`).toBeGreaterThan(0);
    }
    const camundaCheck = String(service('camunda').healthcheck!.test);
    expect(camundaCheck).toContain('/dev/tcp/127.0.0.1/9600');
    expect(camundaCheck).toContain('GET /actuator/health/readiness');
    // The app's readiness route (src/runtime.ts): 200 only once models are deployed and workers run.
    const appCheck = String(service('pingpin').healthcheck!.test);
    expect(appCheck).toContain(`127.0.0.1:${envOf(service('pingpin')).PORT}/health`);
    expect(appCheck).toContain('r.ok');
    expect(read('src/runtime.ts')).toMatch(/publicRoutes\.get\('\/health'/);
    expect(service('camunda').depends_on).toEqual({ elasticsearch: { condition: 'service_healthy' } });
    expect(service('pingpin').depends_on).toEqual({ camunda: { condition: 'service_healthy' } });
  });

  it('keeps the app data, the engine data and the index in named volumes', () => {
    const declared = Object.keys(compose.volumes ?? {});
    const mounts = (s: Service) => (s.volumes ?? []).map((v) => v.split(':') as [string, string]);
    const dataDir = envOf(service('pingpin')).DATA_DIR;
    expect(mounts(service('pingpin'))).toContainEqual([expect.any(String), dataDir]);
    expect(mounts(service('camunda'))).toContainEqual([expect.any(String), '/usr/local/camunda/data']);
    expect(mounts(service('elasticsearch'))).toContainEqual([expect.any(String), '/usr/share/elasticsearch/data']);
    for (const s of Object.values(compose.services)) {
      for (const [source] of mounts(s)) expect(declared, source).toContain(source);
    }
  });
});

describe('Dockerfile', () => {
  const froms = [...dockerfile.matchAll(/^FROM\s+(\S+)/gm)].map((m) => m[1]!);

  it('builds on the Node.js major that package.json engines asks for', () => {
    const major = /(\d+)/.exec(pkg.engines.node)![1];
    expect(froms.length).toBeGreaterThan(0);
    for (const image of froms) expect(image).toMatch(new RegExp(`^node:${major}(\\.|-|$)`));
  });

  it('installs with npm ci, builds, and runs what npm start runs as a non-root user', () => {
    expect(dockerfile).toMatch(/^RUN npm ci\b/m);
    expect(dockerfile).toMatch(/npm run build/);
    // npm start adds the demo data (only on a new, loopback-only data directory); the image starts without it.
    expect(pkg.scripts.start).toBe('node bin/pingpin.js start --demo-data');
    expect(dockerfile).toMatch(/^CMD \["node", "bin\/pingpin\.js", "start"\]$/m);
    const users = [...dockerfile.matchAll(/^USER\s+(\S+)/gm)].map((m) => m[1]);
    expect(users.at(-1)).toBeDefined();
    expect(users.at(-1)).not.toMatch(/^(root|0)$/);
  });

  it('copies what the running app reads: models, forms, holiday schedules, the compiled code', () => {
    for (const dir of ['bpmn', 'forms', 'config', 'bin', 'package.json']) {
      expect(dockerfile).toMatch(new RegExp(`^COPY .*\\b${dir.replace('.', '\\.')}\\b`, 'm'));
    }
    expect(dockerfile).toMatch(/COPY --from=build .*\/app\/dist/);
    expect(dockerfile).toMatch(/COPY --from=build .*\/app\/node_modules/);
  });
});

describe('.dockerignore', () => {
  it('keeps local state, dependencies and secrets out of the build context', () => {
    const lines = read('.dockerignore').split('\n').map((l) => l.trim());
    for (const entry of ['node_modules', 'dist', 'data', '.env', '.git']) expect(lines).toContain(entry);
    // ...but not what the image copies
    for (const needed of ['bpmn', 'forms', 'config', 'src', 'workers', 'bin']) expect(lines).not.toContain(needed);
  });
});
