/**
 * No personal data in clear in process variables (ARCHITECTURE.md, Security; issue 9 §6): anyone
 * allowed to search variables (`POST /v2/variables/search`) must find references and masked forms
 * only. Runs `pingpin demo` in-process on a temp dir (embedded engine) — its objection and its fraud
 * report come from a public channel, with a name and a phone number or e-mail address — then reads
 * every variable the engine holds straight from DATA_DIR/engine.db (the `variables` table, values as
 * JSON text, and the variables of messages still buffered in `messages`) and looks for mobile numbers
 * (`1[3-9]` and 9 digits, not inside a longer run of digits), resident ID numbers (18 characters with
 * a valid GB 11643 check digit and birth date) and e-mail addresses in clear. Prints what it found.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { runDemo } from '../../src/demo/run.js';
import { validateIdNumber } from '../../src/domain/validators.js';
import { TEST_HASH_COST } from '../support/harness.js';

const MOBILE = /(?<!\d)1[3-9]\d{9}(?!\d)/g;
const ID_NUMBER = /(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])/g;
const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+/g;

interface Row {
  /** Where the value is: `variable <process>.<name> (scope <key>)` or `message <name> [<correlation key>]`. */
  where: string;
  name: string;
  value: string;
}

let dir: string;
let rows: Row[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pingpin-no-pii-'));
  const env = { ...process.env };
  delete env.CAMUNDA_REST_ADDRESS; // the embedded engine, whatever the developer's shell says
  const dataDir = join(dir, 'data');
  await runDemo({ hashCost: TEST_HASH_COST, dataDir, lang: 'en', config: { ...loadConfig(env), resourceDirs: [] }, print: () => undefined, idleTimeoutMs: 20_000 });
  // The demo stopped the app: its engine database is read as it was left.
  const db = new Database(join(dataDir, 'engine.db'), { readonly: true });
  try {
    const variables = db.prepare('SELECT name, value, scope_key, process_definition_id FROM variables').all() as Array<{ name: string; value: string; scope_key: number; process_definition_id: string }>;
    const messages = db.prepare('SELECT name, correlation_key, variables FROM messages').all() as Array<{ name: string; correlation_key: string; variables: string }>;
    rows = [
      ...variables.map((v) => ({ where: `variable ${v.process_definition_id}.${v.name} (scope ${v.scope_key})`, name: v.name, value: v.value })),
      ...messages.map((m) => ({ where: `message ${m.name} [${m.correlation_key}]`, name: m.name, value: m.variables })),
    ];
  } finally {
    db.close();
  }
}, 120_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function personalDataIn(value: string): string[] {
  return [
    ...[...value.matchAll(MOBILE)].map((m) => `mobile number ${m[0]}`),
    ...[...value.matchAll(ID_NUMBER)].filter((m) => validateIdNumber(m[0].toUpperCase()).valid).map((m) => `resident ID number ${m[0]}`),
    ...[...value.matchAll(EMAIL)].map((m) => `e-mail address ${m[0]}`),
  ];
}

describe('pingpin demo keeps personal data out of process variables', () => {
  it('saw the variables of every process, including the public channels’ objection and fraud report', () => {
    expect(rows.length).toBeGreaterThan(1000);
    const objection = rows.find((r) => r.name === 'objection' && r.value !== 'null');
    expect(objection, 'the demo raised no objection').toBeDefined();
    expect(JSON.parse(objection!.value)).toMatchObject({ ref: expect.any(String), submitterMasked: '陈**', contactMasked: '138****8000' });
    const report = rows.find((r) => r.name === 'report' && r.value !== 'null');
    expect(report, 'the demo made no fraud report').toBeDefined();
    expect(JSON.parse(report!.value)).toMatchObject({ ref: expect.any(String), reporterMasked: '刘**', contactMasked: 'l***@example.cn' });
  });

  it('finds no mobile number, resident ID number or e-mail address in clear in any variable', () => {
    const found = rows.flatMap((r) => personalDataIn(r.value).map((what) => `${r.where}: ${what}`));
    if (found.length > 0) console.error(`personal data in clear in ${found.length} place(s):\n${found.join('\n')}`);
    expect(found, found.join('\n')).toEqual([]);
  });

  it('recognises what it looks for (the check itself)', () => {
    expect(personalDataIn('{"contact":"13800138000"}')).toEqual(['mobile number 13800138000']);
    expect(personalDataIn('{"phone":"138****8000","n":"913205001377104686","code":"Y00004400010126T000001"}')).toEqual([]);
    expect(personalDataIn('{"id":"11010519491231002X"}')).toEqual(['resident ID number 11010519491231002X']);
    expect(personalDataIn('{"id":"11010519491231002Y1"}')).toEqual([]);
  });
});
