/** The installed package's root (package.json next to bpmn/), wherever the code runs from: src/ through tsx or dist/. */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'bpmn'))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error('pingpin: cannot find the package root (a directory with package.json and bpmn/)');
    dir = up;
  }
}

/** Where `npm run build:web` puts the browser app. */
export const webDistDir = (): string => join(packageRoot(), 'dist', 'web');
