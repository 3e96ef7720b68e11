/**
 * The layout of workers/ (issue 12): one module per job type, `workers/<area>/<name>.ts`, whose
 * default export is the worker of job type `pingpin.<area>.<name>`; workers/index.ts lists exactly
 * those; what the areas share lives in workers/kit/, and no module is a catch-all `shared.ts`.
 */
import { readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { workers } from '../../workers/index.js';
import type { WorkerDefinition } from '../../workers/runtime.js';

const WORKERS = fileURLToPath(new URL('../../workers/', import.meta.url));

const isWorker = (value: unknown): value is WorkerDefinition =>
  typeof value === 'object' && value !== null && typeof (value as WorkerDefinition).type === 'string' && typeof (value as WorkerDefinition).handler === 'function';

/** Every module under workers/ (kit included), as `<dir>/<file>.ts` relative to workers/. */
const modules = readdirSync(WORKERS, { recursive: true, encoding: 'utf8' })
  .filter((name) => name.endsWith('.ts'))
  .map((name) => name.split('\\').join('/'))
  .sort();

const areas = readdirSync(WORKERS, { withFileTypes: true })
  .filter((d) => d.isDirectory() && d.name !== 'kit')
  .map((d) => d.name)
  .sort();

/** Each area module with its default export. */
async function areaModules(): Promise<{ area: string; name: string; file: string; worker: unknown }[]> {
  const out = [];
  for (const area of areas) {
    for (const file of readdirSync(join(WORKERS, area)).filter((f) => f.endsWith('.ts')).sort()) {
      const mod = (await import(pathToFileURL(join(WORKERS, area, file)).href)) as { default?: unknown };
      out.push({ area, name: basename(file, '.ts'), file: `${area}/${file}`, worker: mod.default });
    }
  }
  return out;
}

describe('workers/ layout', () => {
  it('every job type is pingpin.<area>.<file>, the module that exports its worker by default', async () => {
    const found = (await areaModules()).filter((m) => m.worker !== undefined);
    expect(found.length).toBeGreaterThan(0);
    const mismatched = found.filter((m) => !isWorker(m.worker) || m.worker.type !== `pingpin.${m.area}.${m.name}`).map((m) => `${m.file}: ${isWorker(m.worker) ? m.worker.type : 'not a worker'}`);
    expect(mismatched).toEqual([]);
    // And the other way round: every listed worker's job type names a module that exports it.
    for (const w of workers) {
      const [prefix, area, name, ...rest] = w.type.split('.');
      expect({ type: w.type, prefix, rest }).toEqual({ type: w.type, prefix: 'pingpin', rest: [] });
      expect(modules, w.type).toContain(`${area}/${name}.ts`);
    }
  });

  it('workers/index.ts lists every worker module, each once', async () => {
    const exported = (await areaModules()).flatMap((m) => (isWorker(m.worker) ? [m.worker] : []));
    expect(new Set(workers).size).toBe(workers.length);
    expect(workers.map((w) => w.type).sort()).toEqual(exported.map((w) => w.type).sort());
    // The same objects: index.ts imports the default exports, not copies.
    for (const w of exported) expect(workers).toContain(w);
  });

  it('modules that are not workers have no default export; the kit holds no worker', async () => {
    const others = (await areaModules()).filter((m) => !isWorker(m.worker));
    expect(others.filter((m) => m.worker !== undefined).map((m) => m.file)).toEqual([]);
    for (const file of modules.filter((m) => m.startsWith('kit/'))) {
      const mod = (await import(pathToFileURL(join(WORKERS, file)).href)) as { default?: unknown };
      expect(mod.default, file).toBeUndefined();
    }
  });

  it('no catch-all shared.ts: a module is named for what it holds', () => {
    expect(modules.filter((m) => basename(m) === 'shared.ts')).toEqual([]);
  });
});
