import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDmn } from '../../src/dmn/index.js';
import { parseApplicant } from '../../src/domain/applicant.js';
import { JURISDICTIONS } from '../../src/domain/eligibility.js';
import { computeBanFacts, computeFacts } from '../../src/domain/facts.js';
import { startHarness } from '../support/harness.js';
import { applicant, appointment, cert, check, LONG_WORK, MODELS, post } from './eligibility-fixtures.js';

const files = readdirSync(MODELS).filter((f) => f.endsWith('.dmn')).sort();
const xml = (file: string) => readFileSync(join(MODELS, file), 'utf8');

describe('the decision models in bpmn/', () => {
  it('every bpmn/*.dmn parses with our DMN engine (what the embedded engine deploys at start)', async () => {
    expect(files.length).toBeGreaterThanOrEqual(6);
    for (const file of files) await expect(parseDmn(xml(file), file), file).resolves.toBeTruthy();
  });

  it('has one eligibility decision per jurisdiction and level, none for the national 首席技师', async () => {
    const ids = new Set<string>();
    for (const file of files) for (const d of (await parseDmn(xml(file), file)).decisions) ids.add(d.id);
    for (const j of JURISDICTIONS) {
      expect(ids.has(`eligibility-${j}-T`), j).toBe(true);
      expect(ids.has(`prerequisites-${j}-T`), j).toBe(true);
      expect(ids.has(`eligibility-${j}-S`), j).toBe(j !== 'national');
      expect(ids.has(`prerequisites-${j}-S`), j).toBe(j !== 'national');
    }
    expect(ids.has('direct-recognition-sichuan')).toBe(true);
  });

  it('decision and DRG ids are unique across the files (the engine deploys bpmn/ as one deployment)', async () => {
    const seen = new Map<string, string>();
    for (const file of files) {
      const graph = await parseDmn(xml(file), file);
      for (const id of [graph.decisionRequirementsId, ...graph.decisions.map((d) => d.id)]) {
        expect(seen.get(id), `${id} in ${file}`).toBeUndefined();
        seen.set(id, file);
      }
    }
  });

  it('helper decisions have FEEL-friendly ids equal to their result names, so dependants can read them', async () => {
    for (const file of files) {
      const graph = await parseDmn(xml(file), file);
      const required = new Set(graph.decisions.flatMap((d) => d.requiredDecisions));
      for (const id of required) {
        expect(id, file).toMatch(/^[a-zA-Z][a-zA-Z0-9]*$/);
        expect(graph.decisionsById.get(id)?.resultName).toBe(id);
      }
    }
  });

  for (const file of files) {
    describe(file, () => {
      const text = xml(file);

      it('is a Camunda Modeler 8.8 file (Camunda Cloud, 8.8.0)', () => {
        expect(text).toContain('modeler:executionPlatform="Camunda Cloud"');
        expect(text).toContain('modeler:executionPlatformVersion="8.8.0"');
        expect(text).toContain('xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/"');
      });

      it('has a DMNDI shape for every decision and an edge for every requirement', () => {
        const decisions = [...text.matchAll(/<decision id="([^"]+)"/g)].map((m) => m[1]);
        for (const id of decisions) expect(text, id).toMatch(new RegExp(`<dmndi:DMNShape id="[^"]+" dmnElementRef="${id}">`));
        const requirements = [...text.matchAll(/<informationRequirement id="([^"]+)"/g)].map((m) => m[1]);
        for (const id of requirements) expect(text, id).toContain(`dmnElementRef="${id}"`);
      });

      it('names decisions and labels inputs in Chinese', () => {
        for (const m of text.matchAll(/<decision id="[^"]+" name="([^"]+)"/g)) expect(m[1]).toMatch(/[\u4e00-\u9fff]/);
        for (const m of text.matchAll(/<input id="[^"]+" label="([^"]+)"/g)) expect(m[1]).toMatch(/[\u4e00-\u9fff]/);
      });

      it('annotates every rule with the seed clause it implements', () => {
        const rules = [...text.matchAll(/<rule id="[^"]+">\s*(<description>([^<]*)<\/description>)?/g)];
        expect(rules.length).toBeGreaterThan(0);
        for (const r of rules) expect(r[2], r[0]).toMatch(/^(000|001|002|003) /);
      });
    });
  }
});

describe('the models deployed by the embedded engine', { timeout: 60_000 }, () => {
  it('deploy from bpmn/ at start and evaluate through POST /v2/decision-definitions/evaluation like evaluateEligibility', async () => {
    const harness = await startHarness({ config: { resourceDirs: [MODELS] } });
    try {
      const record = applicant({ certificates: [cert('1', '2014-06-01')], posts: [post('2015-01-01')], workHistory: LONG_WORK, appointments: [appointment('2021-07-01')] });
      const asOf = '2025-06-01';
      const variables = { ...computeFacts(parseApplicant(record, { asOf }), asOf), ...computeBanFacts(undefined, asOf) };
      const res = await harness.http('POST', '/v2/decision-definitions/evaluation', { decisionDefinitionId: 'eligibility-sichuan-S', variables });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      const { facts: _facts, ...expected } = await check('sichuan', 'S', asOf, record);
      expect(JSON.parse(res.body.output as string)).toEqual(expected);
      expect(expected).toMatchObject({ eligible: true, route: 'standard' });
    } finally {
      await harness.stop();
    }
  });
});
