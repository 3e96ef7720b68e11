/**
 * Element templates (.camunda/element-templates): every template generated from workers/index.ts is
 * valid against the Zeebe element template JSON schema, and the committed files are what the
 * workers generate now.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { workers } from '../../workers/index.js';
import { defineWorker } from '../../workers/runtime.js';
import { checkTemplates, elementTemplate, renderTemplates, syncModelTemplateVersions, TEMPLATE_SCHEMA_URL, writeTemplates } from '../../scripts/element-templates.js';

const require = createRequire(import.meta.url);
const schema = JSON.parse(readFileSync(require.resolve('@camunda/zeebe-element-templates-json-schema/resources/schema.json'), 'utf8')) as object;
// The schema is draft-07 with `$id`s on nested properties, which Ajv's strict mode refuses to read.
const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);

const sample = defineWorker({
  type: 'pingpin.sample.issue',
  name: '示例：颁发证书',
  description: '为申请颁发证书，按申请编号幂等。',
  retries: 5,
  input: z.object({
    applicationId: z.string().min(1).describe('申请编号（登记簿）'),
    campaign: z.object({ id: z.string(), jurisdiction: z.enum(['national', 'guangdong', 'fujian', 'sichuan']) }).describe('评聘活动'),
    note: z.string().optional().describe('备注'),
  }),
  output: z.object({ certificateCode: z.string().describe('证书编号（22 位）') }),
  handler: () => ({}),
});

const tmp: string[] = [];
afterAll(() => {
  for (const d of tmp) rmSync(d, { recursive: true, force: true });
});

describe('element templates', () => {
  it.each([sample, ...workers].map((w) => [w.type, w] as const))('%s validates against the Zeebe element template schema', (_type, def) => {
    const template = elementTemplate(def);
    const ok = validate(template);
    expect(validate.errors ?? [], JSON.stringify(validate.errors, null, 2)).toEqual([]);
    expect(ok).toBe(true);
    expect(template).toMatchObject({ $schema: TEMPLATE_SCHEMA_URL, id: def.type, appliesTo: ['bpmn:ServiceTask'], elementType: { value: 'bpmn:ServiceTask' } });
    expect(template.properties[0]).toEqual({ type: 'Hidden', value: def.type, binding: { type: 'zeebe:taskDefinition', property: 'type' } });
  });

  it('documents inputs (type, required, description) and outputs in the description', () => {
    const t = elementTemplate(sample);
    expect(t.name).toBe('示例：颁发证书');
    expect(t.description).toContain('为申请颁发证书，按申请编号幂等。');
    expect(t.description).toContain('applicationId（必填，string）：申请编号（登记簿）');
    expect(t.description).toContain('campaign（必填，{id, jurisdiction}）：评聘活动');
    expect(t.description).toContain('note（可选，string）：备注');
    expect(t.description).toContain('返回变量：certificateCode（string）：证书编号（22 位）');
    expect(t.properties[1]).toMatchObject({ binding: { type: 'zeebe:taskDefinition', property: 'retries' }, value: '5' });
  });

  it('keeps the version while nothing changes and bumps it when the worker changes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pingpin-templates-'));
    tmp.push(dir);
    expect(writeTemplates([sample], dir)).toEqual({ written: ['pingpin.sample.issue.json'], removed: [] });
    expect(checkTemplates([sample], dir)).toEqual([]);
    expect(JSON.parse(renderTemplates([sample], dir).get('pingpin.sample.issue.json')!).version).toBe(1);
    const changed = { ...sample, description: '改过的说明。' };
    expect(checkTemplates([changed], dir)).toEqual(['pingpin.sample.issue.json: out of date with its worker (run npm run templates)']);
    writeTemplates([changed], dir);
    expect(JSON.parse(readFileSync(join(dir, 'pingpin.sample.issue.json'), 'utf8')).version).toBe(2);
    writeFileSync(join(dir, 'pingpin.gone.json'), '{}');
    expect(checkTemplates([changed], dir)).toEqual(['pingpin.gone.json: no worker in workers/index.ts serves this job type (run npm run templates to remove it)']);
    expect(writeTemplates([changed], dir)).toEqual({ written: [], removed: ['pingpin.gone.json'] });
    expect(() => renderTemplates([sample, sample], dir)).toThrow(/two workers serve job type 'pingpin.sample.issue'/);
  });

  it('are committed and up to date with workers/index.ts (npm run templates)', () => {
    expect(checkTemplates(workers)).toEqual([]);
  });

  it('npm run templates brings the models\' template versions up to date, leaving other templates alone', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pingpin-sync-'));
    try {
      const task = (type: string, v: number) => `<bpmn:serviceTask id="t-${v}" name="任务" zeebe:modelerTemplate="${type}" zeebe:modelerTemplateVersion="${v}">`;
      writeFileSync(join(dir, 'a.bpmn'), `${task('pingpin.sample.record', 1)}\n${task('vendor.other', 4)}`);
      writeFileSync(join(dir, 'b.bpmn'), task('pingpin.sample.record', 3));
      expect(syncModelTemplateVersions(dir, new Map([['pingpin.sample.record', 3]]))).toEqual(['a.bpmn']);
      expect(readFileSync(join(dir, 'a.bpmn'), 'utf8')).toBe(`${task('pingpin.sample.record', 3).replace('t-3', 't-1')}\n${task('vendor.other', 4)}`);
      expect(syncModelTemplateVersions(dir, new Map([['pingpin.sample.record', 3]]))).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
