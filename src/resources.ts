/** The models and forms deployed at start: every .bpmn, .dmn and .form in the resource directories. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export interface ResourceFile {
  name: string;
  path: string;
  content: Buffer;
}

const DEPLOYABLE = /\.(bpmn|dmn|form)$/i;

export function collectResources(dirs: string[]): ResourceFile[] {
  const files: ResourceFile[] = [];
  // The same folder twice (BPMN_DIR = FORMS_DIR) is read once.
  for (const dir of [...new Set(dirs.map((d) => resolve(d)))]) {
    if (!existsSync(dir)) continue;
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (!entry.isFile() || !DEPLOYABLE.test(entry.name)) continue;
      const path = join(dir, entry.name);
      files.push({ name: entry.name, path, content: readFileSync(path) });
    }
  }
  return files;
}
