import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  DecisionEvaluationError,
  evaluateDecision,
  parseDmn,
  type DecisionRequirementsGraph,
} from '../../src/dmn/index.js';
import type { Json } from '../../src/feel/index.js';
import { ModelError } from '../../src/model-error.js';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/dmn/${name}`, import.meta.url), 'utf8');
const load = (name: string, xml = fixture(name)) => parseDmn(xml, name);

/** The engine clock: 2025-06-15T08:30:00Z. */
const NOW = Date.UTC(2025, 5, 15, 8, 30);

const run = (graph: DecisionRequirementsGraph, id: string, variables: Record<string, Json> = {}, now = NOW) =>
  evaluateDecision(graph, id, variables, () => now);

const output = (graph: DecisionRequirementsGraph, id: string, variables: Record<string, Json> = {}, now = NOW) =>
  run(graph, id, variables, now).output;

const failure = (graph: DecisionRequirementsGraph, id: string, variables: Record<string, Json> = {}): DecisionEvaluationError => {
  try {
    run(graph, id, variables);
  } catch (err) {
    expect(err).toBeInstanceOf(DecisionEvaluationError);
    return err as DecisionEvaluationError;
  }
  throw new Error(`expected decision '${id}' to fail`);
};

const rejection = async (name: string, xml = fixture(name)): Promise<string> => {
  const err = await load(name, xml).then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(ModelError);
  return (err as Error).message;
};

const ruleIndexes = (graph: DecisionRequirementsGraph, id: string, variables: Record<string, Json>) =>
  run(graph, id, variables).evaluatedDecisions.at(-1)!.matchedRules.map((r) => r.ruleIndex);

describe('parseDmn', () => {
  it('reads the DRG, its decisions, requirements and version tags from a Modeler file with DMNDI', async () => {
    const graph = await load('drg.dmn');
    expect(graph.decisionRequirementsId).toBe('scoring');
    expect(graph.name).toBe('Scoring');
    expect(graph.namespace).toBe('http://camunda.org/schema/1.0/dmn');
    expect(graph.decisions.map((d) => [d.id, d.name, d.versionTag, d.requiredDecisions])).toEqual([
      ['baseScore', 'Base score', undefined, []],
      ['scoreGrade', 'Score grade', undefined, ['baseScore']],
      ['approval', 'Approval', '2025.1', ['scoreGrade', 'baseScore']],
    ]);
    // A dependant reads a required decision's result under its variable name, else under its id.
    expect(graph.decisionsById.get('baseScore')!.resultName).toBe('baseScore');
    expect(graph.decisionsById.get('scoreGrade')!.resultName).toBe('scoreGrade');
  });

  it('ignores a dangling diagram reference, which does not affect execution', async () => {
    const graph = await load('drg.dmn', fixture('drg.dmn').replace('dmnElementRef="baseScore"', 'dmnElementRef="ghost"'));
    expect(graph.decisions).toHaveLength(3);
  });

  it('compiles every hit policy and aggregation', async () => {
    const graph = await load('hit-policies.dmn');
    const policy = (id: string) => {
      const logic = graph.decisionsById.get(id)!.logic;
      return logic.type === 'DECISION_TABLE' ? [logic.hitPolicy, logic.aggregation] : [];
    };
    expect(policy('gradeUnique')).toEqual(['UNIQUE', undefined]);
    expect(policy('gradeFirst')).toEqual(['FIRST', undefined]);
    expect(policy('riskPriority')).toEqual(['PRIORITY', undefined]);
    expect(policy('riskOutputOrder')).toEqual(['OUTPUT ORDER', undefined]);
    expect(policy('approvalAny')).toEqual(['ANY', undefined]);
    expect(policy('gradeRuleOrder')).toEqual(['RULE ORDER', undefined]);
    expect(policy('rateCollect')).toEqual(['COLLECT', undefined]);
    expect(policy('rateSum')).toEqual(['COLLECT', 'SUM']);
    expect(policy('rateCount')).toEqual(['COLLECT', 'COUNT']);
  });

  it('rejects a required decision that is not in the resource', async () => {
    expect(await rejection('missing-required.dmn')).toBe(
      "'missing-required.dmn': decision 'main' requires decision 'missingDecision', which is not defined in this DMN resource",
    );
  });

  it('rejects cyclic requirements, naming the cycle once', async () => {
    expect(await rejection('cyclic.dmn')).toBe(
      "'cyclic.dmn': Invalid DMN model: Cyclic dependencies between decisions detected: a → b → c → a",
    );
  });

  it('rejects FEEL syntax errors in input expressions, input entries and output entries, each with its place', async () => {
    expect((await rejection('syntax-errors.dmn')).split('\n')).toEqual([
      "'syntax-errors.dmn': decision 'broken', input 'Score': FEEL syntax error at position 8 in 'score +' (the expression ends too early)",
      "decision 'broken', rule 1 ('DecisionRule_broken_1'), input 'Score': FEEL syntax error at position 3 in '>=' (the expression ends too early)",
      "decision 'broken', rule 2 ('DecisionRule_broken_2'), input 'Score': FEEL syntax error at position 5 in '[1..' (the expression ends too early)",
      "decision 'broken', rule 2 ('DecisionRule_broken_2'), output 'Grade': FEEL syntax error at position 1 in '\"unterminated' (near '\"unterminate')",
    ]);
  });

  it('rejects duplicate decision ids', async () => {
    expect(await rejection('duplicate-ids.dmn')).toBe(
      "'duplicate-ids.dmn': duplicate id 'fee' (line 9): ids must be unique within a DMN resource",
    );
  });

  it('rejects a decision table without outputs', async () => {
    expect(await rejection('no-outputs.dmn')).toBe(
      "'no-outputs.dmn': decision 'noOutputs': a decision table must have at least one output",
    );
  });

  it('rejects boxed contexts, business knowledge models and empty decisions; ignores input data and knowledge sources', async () => {
    expect((await rejection('unsupported.dmn')).split('\n')).toEqual([
      "'unsupported.dmn': decision 'boxedContext': the decision logic is a boxed context, which is not supported by the embedded engine; use a decision table or a literal expression",
      "business knowledge model 'discountBkm' is not supported by the embedded engine",
      "decision 'emptyDecision' has no decision logic: add a decision table or a literal expression",
    ]);
  });

  it('rejects what dmn-scala rejects: empty output entries, several unnamed outputs, aggregated compound output, other languages', async () => {
    const hitPolicies = fixture('hit-policies.dmn');
    const emptyCell = hitPolicies.replace(
      '<outputEntry id="LiteralExpression_0004">\n          <text>"A"</text>',
      '<outputEntry id="LiteralExpression_0004">\n          <text></text>',
    );
    expect(await rejection('h.dmn', emptyCell)).toBe(
      "'h.dmn': decision 'gradeUnique', rule 1 ('DecisionRule_gradeUnique_1'), output 'Grade': the expression 'LiteralExpression_0004' must not be empty (write null for no value)",
    );
    const unnamed = hitPolicies.replace('<output id="Output_routing_2" label="Review level" name="reviewLevel"', '<output id="Output_routing_2" label="Review level"');
    expect(await rejection('h.dmn', unnamed)).toBe("'h.dmn': decision 'routing': no output name defined for output 'Review level'");
    const aggregated = hitPolicies.replace('<decisionTable id="DecisionTable_0111" hitPolicy="RULE ORDER">', '<decisionTable id="DecisionTable_0111" hitPolicy="COLLECT" aggregation="SUM">');
    expect(await rejection('h.dmn', aggregated)).toBe("'h.dmn': decision 'routing': hit policy 'COLLECT' with aggregator is not defined for compound output");
    const javascript = fixture('literal-expressions.dmn').replace('<literalExpression id="LiteralExpression_0166">', '<literalExpression id="LiteralExpression_0166" expressionLanguage="javascript">');
    expect(await rejection('l.dmn', javascript)).toBe("'l.dmn': decision 'fullName', literal expression: Expression language 'javascript' is not supported");
  });

  it('reports XML that is not DMN 1.3', async () => {
    expect(await rejection('x.dmn', '<nope')).toMatch(/^'x\.dmn': the XML is not a valid DMN 1\.3 document: unparsable content <nope detected/);
    const dmn11 = '<definitions xmlns="http://www.omg.org/spec/DMN/20151101/dmn.xsd" id="d" name="d"><decision id="x" /></definitions>';
    expect(await rejection('x.dmn', dmn11)).toContain('the root element must be <definitions> in the DMN 1.3 namespace');
  });
});

describe('decision tables', () => {
  it('UNIQUE: the one matching rule, with inputs and matched rule as Camunda reports them', async () => {
    const graph = await load('hit-policies.dmn');
    expect(run(graph, 'gradeUnique', { score: 85 })).toEqual({
      decisionId: 'gradeUnique',
      decisionName: 'Grade (unique)',
      output: 'B',
      evaluatedDecisions: [
        {
          decisionId: 'gradeUnique',
          decisionName: 'Grade (unique)',
          decisionType: 'DECISION_TABLE',
          output: 'B',
          evaluatedInputs: [{ inputId: 'Input_gradeUnique_1', inputName: 'Score', inputValue: 85 }],
          matchedRules: [
            {
              ruleId: 'DecisionRule_gradeUnique_2',
              ruleIndex: 2,
              evaluatedOutputs: [{ outputId: 'Output_gradeUnique_1', outputName: 'Grade', outputValue: 'B' }],
            },
          ],
        },
      ],
    });
    expect(output(graph, 'gradeUnique', { score: 59 })).toBe('F');
    // No rule matches: null, and no matched rules.
    expect(run(graph, 'gradeUnique', { score: 101 }).evaluatedDecisions[0]).toMatchObject({ output: null, matchedRules: [] });
  });

  it('UNIQUE with two matching rules fails, naming the values and the rules', async () => {
    const graph = await load('hit-policies.dmn');
    const err = failure(graph, 'gradeOverlap', { score: 95 });
    expect(err.message).toBe(
      "Expected to evaluate decision 'gradeOverlap', but multiple values aren't allowed for UNIQUE hit policy. found: '[\"B\",\"A\"]' (matched rule 1 ('DecisionRule_gradeOverlap_1'), rule 2 ('DecisionRule_gradeOverlap_2'))",
    );
    expect(err.failedDecisionId).toBe('gradeOverlap');
    expect(err.evaluatedDecisions).toHaveLength(1);
    expect(err.evaluatedDecisions[0]).toMatchObject({ output: null, evaluatedInputs: [{ inputValue: 95 }] });
    expect(err.evaluatedDecisions[0]!.matchedRules.map((r) => r.ruleIndex)).toEqual([1, 2]);
  });

  it('FIRST returns the first matching rule only; RULE ORDER every match in rule order', async () => {
    const graph = await load('hit-policies.dmn');
    expect(output(graph, 'gradeFirst', { score: 85 })).toBe('B');
    expect(ruleIndexes(graph, 'gradeFirst', { score: 85 })).toEqual([2]);
    expect(output(graph, 'gradeRuleOrder', { score: 85 })).toEqual(['B', 'C', 'F']);
    expect(ruleIndexes(graph, 'gradeRuleOrder', { score: 85 })).toEqual([2, 3, 4]);
    expect(output(graph, 'gradeRuleOrder', { score: 10 })).toEqual(['F']);
  });

  it('PRIORITY and OUTPUT ORDER rank by the output values list, not by rule order', async () => {
    const graph = await load('hit-policies.dmn');
    // Rules: - → "low", > 10 → "medium", > 100 → "high"; output values "high","medium","low".
    expect(output(graph, 'riskPriority', { amount: 150 })).toBe('high');
    expect(output(graph, 'riskPriority', { amount: 50 })).toBe('medium');
    expect(output(graph, 'riskPriority', { amount: 5 })).toBe('low');
    expect(ruleIndexes(graph, 'riskPriority', { amount: 150 })).toEqual([1, 2, 3]);
    expect(output(graph, 'riskOutputOrder', { amount: 150 })).toEqual(['high', 'medium', 'low']);
    expect(output(graph, 'riskOutputOrder', { amount: 50 })).toEqual(['medium', 'low']);
  });

  it('ANY returns the common value of all matches and fails when they differ', async () => {
    const graph = await load('hit-policies.dmn');
    expect(output(graph, 'approvalAny', { amount: 6 })).toBe('yes');
    expect(ruleIndexes(graph, 'approvalAny', { amount: 6 })).toEqual([1, 2]);
    expect(failure(graph, 'approvalAny', { amount: 9 }).message).toBe(
      "Expected to evaluate decision 'approvalAny', but different values aren't allowed for ANY hit policy. found: '[\"yes\",\"no\"]' (matched rule 1 ('DecisionRule_approvalAny_1'), rule 2 ('DecisionRule_approvalAny_2'), rule 3 ('DecisionRule_approvalAny_3'))",
    );
  });

  it('COLLECT lists the outputs; SUM, MIN, MAX and COUNT aggregate them', async () => {
    const graph = await load('hit-policies.dmn');
    // Rules: >= 1 → 0.1, >= 5 → 0.2, >= 10 → 0.4.
    expect(output(graph, 'rateCollect', { years: 12 })).toEqual([0.1, 0.2, 0.4]);
    expect(output(graph, 'rateSum', { years: 12 })).toBe(0.7); // decimal, as feel-scala: not 0.7000000000000001
    expect(output(graph, 'rateMin', { years: 12 })).toBe(0.1);
    expect(output(graph, 'rateMax', { years: 12 })).toBe(0.4);
    expect(output(graph, 'rateCount', { years: 12 })).toBe(3);
    expect(output(graph, 'rateSum', { years: 3 })).toBe(0.1);
    expect(output(graph, 'rateCount', { years: 6 })).toBe(2);
    expect(ruleIndexes(graph, 'rateSum', { years: 12 })).toEqual([1, 2, 3]);
  });

  it('no matching rule gives null for every hit policy, COLLECT and its aggregations included (dmn-scala)', async () => {
    const graph = await load('hit-policies.dmn');
    for (const id of ['rateCollect', 'rateSum', 'rateMin', 'rateMax', 'rateCount']) {
      expect(output(graph, id, { years: 0 })).toBeNull();
    }
    expect(output(graph, 'gradeRuleOrder', { score: null })).toEqual(['F']);
  });

  it('a default output entry is the result when no rule matches', async () => {
    const xml = fixture('hit-policies.dmn').replace(
      '<output id="Output_gradeUnique_1" label="Grade" name="grade" typeRef="string" />',
      '<output id="Output_gradeUnique_1" label="Grade" name="grade" typeRef="string">\n        <defaultOutputEntry id="d1"><text>"none"</text></defaultOutputEntry>\n      </output>',
    );
    expect(output(await load('h.dmn', xml), 'gradeUnique', { score: 101 })).toBe('none');
  });

  it('an aggregation over a value that is not a number fails', async () => {
    const graph = await load('hit-policies.dmn');
    expect(failure(graph, 'rateSumNotNumber', { years: 6 }).message).toBe(
      "Expected to evaluate decision 'rateSumNotNumber', but expected number but found '\"n/a\"' (rule 2 ('DecisionRule_rateSumNotNumber_2'))",
    );
  });

  it('several outputs give one context per rule, each output reported by its label', async () => {
    const graph = await load('hit-policies.dmn');
    const evaluation = run(graph, 'routing', { age: 16, riskCategory: 'HIGH' });
    expect(evaluation.output).toEqual([
      { routing: 'DECLINE', reviewLevel: 'NONE' },
      { routing: 'REFER', reviewLevel: 'LEVEL 1' },
      { routing: 'ACCEPT', reviewLevel: 'NONE' },
    ]);
    const decision = evaluation.evaluatedDecisions[0]!;
    expect(decision.evaluatedInputs).toEqual([
      { inputId: 'Input_routing_1', inputName: 'Age', inputValue: 16 },
      { inputId: 'Input_routing_2', inputName: 'Risk category', inputValue: 'HIGH' },
    ]);
    expect(decision.matchedRules[1]).toEqual({
      ruleId: 'DecisionRule_routing_2',
      ruleIndex: 2,
      evaluatedOutputs: [
        { outputId: 'Output_routing_1', outputName: 'Routing', outputValue: 'REFER' },
        { outputId: 'Output_routing_2', outputName: 'Review level', outputValue: 'LEVEL 1' },
      ],
    });
    expect(output(graph, 'routingFirst', { age: 30, riskCategory: 'HIGH' })).toEqual({ routing: 'REFER', reviewLevel: 'LEVEL 1' });
  });
});

describe('input entries (FEEL unary tests)', () => {
  // A COLLECT table whose rules answer which test matched: - | < 5 | [1..10] | "a","b" | not("a") | ? > 3 | >= minimum
  const matched = async (x: Json, minimum: Json = 10) => output(await load('unary-tests.dmn'), 'unaryTests', { x, minimum });

  it('matches -, comparisons, ranges, lists, not(…), expressions over ? and variables', async () => {
    expect(await matched(3)).toEqual(['any', 'lt5', '1to10', 'not-a']);
    expect(await matched(7, 5)).toEqual(['any', '1to10', 'not-a', 'gt3', 'at-least-minimum']);
    expect(await matched(10)).toEqual(['any', '1to10', 'not-a', 'gt3', 'at-least-minimum']);
    expect(await matched(11)).toEqual(['any', 'not-a', 'gt3', 'at-least-minimum']);
    expect(await matched('a')).toEqual(['any', 'a-or-b']);
    expect(await matched('b')).toEqual(['any', 'a-or-b', 'not-a']);
  });

  it('a missing input value matches only - and negations; ? > 3 is null, not a match (feel-scala)', async () => {
    expect(await matched(null)).toEqual(['any', 'not-a']);
  });

  it('compares dates, with today() read from the engine clock', async () => {
    const graph = await load('unary-tests.dmn');
    const windowOf = (appliedOn: string, now = NOW) => output(graph, 'filingWindow', { appliedOn }, now);
    expect(windowOf('2024-12-31')).toEqual(['before 2025']);
    expect(windowOf('2025-03-01')).toEqual(['2025']);
    expect(windowOf('2025-06-15')).toEqual(['2025', 'today or later']);
    expect(windowOf('2026-01-02')).toEqual(['today or later']);
    expect(windowOf('2025-06-15', Date.UTC(2026, 1, 1))).toEqual(['2025']);
    // The input value is reported as JSON: a date becomes its ISO string.
    expect(run(graph, 'filingWindow', { appliedOn: '2025-03-01' }).evaluatedDecisions[0]!.evaluatedInputs).toEqual([
      { inputId: 'Input_filingWindow_1', inputName: 'Application date', inputValue: '2025-03-01' },
    ]);
  });
});

describe('literal expressions', () => {
  it('evaluate with the variables and the engine clock, checked against the variable typeRef', async () => {
    const graph = await load('literal-expressions.dmn');
    expect(run(graph, 'fullName', { firstName: 'Ada', lastName: 'Lovelace' })).toEqual({
      decisionId: 'fullName',
      decisionName: 'Full name',
      output: 'Ada Lovelace',
      evaluatedDecisions: [
        {
          decisionId: 'fullName',
          decisionName: 'Full name',
          decisionType: 'LITERAL_EXPRESSION',
          output: 'Ada Lovelace',
          evaluatedInputs: [],
          matchedRules: [],
        },
      ],
    });
    expect(output(graph, 'reviewDeadline')).toBe('2025-07-15');
    // null satisfies any typeRef.
    expect(output(graph, 'fullName', {})).toBeNull();
  });

  it('a result of another type than the typeRef fails, as dmn-scala checks it', async () => {
    const err = failure(await load('literal-expressions.dmn'), 'wrongType');
    expect(err.message).toBe("Expected to evaluate decision 'wrongType', but expected 'number' but found '\"abc\"'");
    expect(err.evaluatedDecisions).toMatchObject([{ decisionId: 'wrongType', output: 'abc' }]);
  });

  it('a failing expression fails the decision with the expression and the reason', async () => {
    const err = failure(await load('literal-expressions.dmn'), 'requiredCertificates');
    expect(err.message).toBe(
      "Expected to evaluate decision 'requiredCertificates', but failed to evaluate expression 'assert(certificates, certificates != null, \"certificates are required\")': certificates are required",
    );
    expect(err.failedDecisionId).toBe('requiredCertificates');
    expect(err.evaluatedDecisions).toMatchObject([{ decisionId: 'requiredCertificates', output: null }]);
  });
});

describe('required decisions', () => {
  it('evaluates two levels of required decisions first, each once, in dependency order', async () => {
    const graph = await load('drg.dmn');
    // baseScore = certificates * 10 + awards * 5 → scoreGrade (table) → approval (requires both).
    const evaluation = run(graph, 'approval', { certificates: 5, awards: 3 });
    expect(evaluation.output).toBe('approved');
    expect(evaluation.evaluatedDecisions.map((d) => [d.decisionId, d.decisionType, d.output])).toEqual([
      ['baseScore', 'LITERAL_EXPRESSION', 65],
      ['scoreGrade', 'DECISION_TABLE', 'A'],
      ['approval', 'LITERAL_EXPRESSION', 'approved'],
    ]);
    expect(output(graph, 'approval', { certificates: 2, awards: 1 })).toBe('review');
    expect(run(graph, 'scoreGrade', { certificates: 2, awards: 1 }).evaluatedDecisions.map((d) => [d.decisionId, d.output])).toEqual([
      ['baseScore', 25],
      ['scoreGrade', 'B'],
    ]);
  });

  it("a required decision's result takes precedence over a variable of the same name", async () => {
    const graph = await load('drg.dmn');
    expect(output(graph, 'scoreGrade', { certificates: 1, awards: 0, baseScore: 1000 })).toBe('C');
  });

  it('a failure in a required decision names it and stops there', async () => {
    const graph = await load('eligibility-fujian.dmn');
    const err = failure(graph, 'eligibility-fujian-T', { skillLevel: '高级技师', yearsAsSeniorTechnician: 5 });
    expect(err.message).toBe(
      "Expected to evaluate decision 'eligibility-fujian-T', but failed to evaluate expression 'count(assert(certificates, certificates != null, \"缺少证书信息：请上传职业资格证书\"))': 缺少证书信息：请上传职业资格证书 (in required decision 'certificateCount')",
    );
    expect(err.failedDecisionId).toBe('certificateCount');
    expect(err.evaluatedDecisions).toMatchObject([{ decisionId: 'certificateCount', decisionName: '有效证书数量', output: null }]);
  });

  it('an unknown decision id fails', async () => {
    const err = failure(await load('drg.dmn'), 'nope');
    expect(err.message).toBe("Expected to evaluate decision 'nope', but no decision found with id 'nope'");
    expect(err.failedDecisionId).toBe('nope');
    expect(err.evaluatedDecisions).toEqual([]);
  });
});

describe('Chinese names and outputs', () => {
  it('keep their text through parsing, evaluation and JSON', async () => {
    const graph = await load('eligibility-fujian.dmn');
    expect(graph.name).toBe('福建省特级技师评聘资格');
    expect(graph.decisionsById.get('eligibility-fujian-T')!.name).toBe('福建省特级技师申报资格');

    const evaluation = run(graph, 'eligibility-fujian-T', {
      skillLevel: '高级技师',
      yearsAsSeniorTechnician: 5,
      certificates: ['高级技师职业资格证书', '技能竞赛获奖证书'],
    });
    expect(evaluation.output).toEqual({ eligible: true, reason: '符合福建省特级技师申报条件' });
    const table = evaluation.evaluatedDecisions[1]!;
    expect(table.decisionName).toBe('福建省特级技师申报资格');
    expect(table.evaluatedInputs.map((i) => [i.inputName, i.inputValue])).toEqual([
      ['职业技能等级', '高级技师'],
      ['取得高级技师年限', 5],
      ['有效证书数量', 2],
    ]);
    expect(table.matchedRules).toEqual([
      {
        ruleId: 'DecisionRule_eligibility-fujian-T_4',
        ruleIndex: 4,
        evaluatedOutputs: [
          { outputId: 'Output_eligibility-fujian-T_1', outputName: '是否符合', outputValue: true },
          { outputId: 'Output_eligibility-fujian-T_2', outputName: '理由', outputValue: '符合福建省特级技师申报条件' },
        ],
      },
    ]);
    expect(JSON.parse(JSON.stringify(evaluation))).toEqual(evaluation);

    expect(output(graph, 'eligibility-fujian-T', { skillLevel: '技师', yearsAsSeniorTechnician: 5, certificates: ['a', 'b'] })).toEqual({
      eligible: false,
      reason: '须已取得高级技师职业资格',
    });
    expect(output(graph, 'eligibility-fujian-T', { skillLevel: '高级技师', yearsAsSeniorTechnician: 2, certificates: ['a'] })).toEqual({
      eligible: false,
      reason: '取得高级技师资格不满三年',
    });
  });

  it('an input value outside the input values list is no error; it matches as any value does (dmn-scala)', async () => {
    // 职业技能等级 allows "技师","高级技师","特级技师".
    const graph = await load('eligibility-fujian.dmn');
    expect(output(graph, 'eligibility-fujian-T', { skillLevel: '初级工', yearsAsSeniorTechnician: 0, certificates: [] })).toEqual({
      eligible: false,
      reason: '须已取得高级技师职业资格',
    });
  });
});
