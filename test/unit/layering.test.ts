/**
 * FEEL and DMN are siblings of the engine, and the domain rules and forms use them without it
 * (issue 12): none of src/feel, src/dmn, src/domain or src/forms may reach src/engine, directly or
 * through a module it imports. Imports are read with TypeScript's own scanner (`preProcessFile`),
 * so `import type`, `export … from` and dynamic `import()` count, and comments do not.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('../../src/', import.meta.url));
const ENGINE = join(SRC, 'engine') + sep;
const OUTSIDE_THE_ENGINE = ['feel', 'dmn', 'domain', 'forms'];

const show = (file: string) => relative(join(SRC, '..'), file).split(sep).join('/');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.ts') && !name.endsWith('.d.ts'))
    .map((name) => join(dir, name));
}

/** The module specifiers a file imports or re-exports, static or dynamic. */
function specifiersOf(file: string): string[] {
  return ts.preProcessFile(readFileSync(file, 'utf8'), true, true).importedFiles.map((f) => f.fileName);
}

/** The source file a relative specifier names (`./x.js` is `./x.ts`); packages are not followed. */
function resolveImport(from: string, specifier: string): string | undefined {
  if (!specifier.startsWith('.')) return undefined;
  const target = resolve(dirname(from), specifier);
  const candidates = [target.replace(/\.js$/, '.ts'), target, `${target}.ts`, join(target, 'index.ts')];
  // An unresolvable path is still reported when it points into the engine.
  return candidates.find((c) => c.endsWith('.ts') && existsSync(c)) ?? target;
}

/** Every chain of imports from `start` that ends in src/engine, as `a → b → src/engine/x`. */
function pathsIntoEngine(start: string): string[] {
  const found: string[] = [];
  const seen = new Set<string>([start]);
  const queue: { file: string; chain: string[] }[] = [{ file: start, chain: [show(start)] }];
  while (queue.length > 0) {
    const { file, chain } = queue.shift()!;
    if (!file.endsWith('.ts') || !existsSync(file)) continue;
    for (const specifier of specifiersOf(file)) {
      const target = resolveImport(file, specifier);
      if (target === undefined) continue;
      if (target.startsWith(ENGINE)) found.push([...chain, show(target)].join(' → '));
      else if (!seen.has(target)) {
        seen.add(target);
        queue.push({ file: target, chain: [...chain, show(target)] });
      }
    }
  }
  return found;
}

describe('layering: what lives beside the engine does not depend on it', () => {
  it.each(OUTSIDE_THE_ENGINE)('src/%s reaches nothing in src/engine', (dir) => {
    const files = sourceFiles(join(SRC, dir));
    expect(files.length).toBeGreaterThan(0);
    expect(files.flatMap(pathsIntoEngine)).toEqual([]);
  });

  it('the check sees imports of every kind, and an import into the engine when there is one', () => {
    expect(specifiersOf(join(SRC, 'dmn', 'parse.ts'))).toEqual(expect.arrayContaining(['../feel/index.js', '../model-error.js']));
    expect(specifiersOf(join(SRC, 'dmn', 'types.ts'))).toContain('../feel/index.js'); // import type
    expect(specifiersOf(join(SRC, 'dmn', 'index.ts'))).toContain('./parse.js'); // export … from
    expect(pathsIntoEngine(join(SRC, 'engine', 'engine.ts')).length).toBeGreaterThan(0);
  });
});
