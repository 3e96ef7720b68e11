/**
 * Eligibility of an applicant for 特级技师 (T) / 首席技师 (S) in one jurisdiction, decided by the DMN
 * models in bpmn/ (the same files the engine deploys and process owners edit in Camunda Modeler):
 *   validate the request → compute the facts (facts.ts) → evaluate `eligibility-<jurisdiction>-<level>`
 *   with src/dmn → check the result's shape.
 * Also the enterprise prerequisites (`prerequisites-<jurisdiction>-<level>`) and Sichuan's direct
 * recognition (`direct-recognition-sichuan`). docs/eligibility.md documents inputs, outputs and codes.
 *
 * The only I/O in src/domain: the models are read from a directory (default: the package's bpmn/, or
 * BPMN_DIR) once per directory and cached; `clearModelCache()` forgets them.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { evaluateDecision, parseDmn, type DecisionRequirementsGraph } from '../dmn/index.js';
import type { Json } from '../feel/index.js';
import { InputValidationError, isoDate, parseApplicant, parseWith, type FieldIssue } from './applicant.js';
import { bansSchema, computeBanFacts, computeFacts, type BanFacts, type Bans, type EligibilityFacts } from './facts.js';
import {
  computeEnterpriseFacts,
  directRecognitionFacts,
  directRecognitionSchema,
  enterpriseSchema,
  type EnterpriseFacts,
} from './prerequisites.js';

export const JURISDICTIONS = ['national', 'guangdong', 'fujian', 'sichuan'] as const;
export type Jurisdiction = (typeof JURISDICTIONS)[number];
export const JURISDICTION_NAMES: Record<Jurisdiction, string> = {
  national: '全国试点（人社厅发〔2021〕66号）',
  guangdong: '广东省',
  fujian: '福建省',
  sichuan: '四川省',
};
export type AppraisalLevel = 'T' | 'S';
export type Route = 'standard' | 'direct' | 'exceptional';

/** The national pilot (003) defines 特级技师 only; asking for its 首席技师 is a request error. */
export class UnsupportedLevelError extends Error {
  readonly field = 'level';
  readonly rule = 'national-pilot-defines-T-only';
  constructor(
    readonly jurisdiction: Jurisdiction,
    readonly level: AppraisalLevel,
  ) {
    super('全国特级技师评聘试点（人社厅发〔2021〕66号）只设特级技师（T），没有首席技师（S）的评聘条件');
    this.name = 'UnsupportedLevelError';
  }
}

/** A model is missing from the directory, does not parse, or returns something of the wrong shape. */
export class EligibilityModelError extends Error {
  constructor(
    message: string,
    readonly decisionId?: string,
  ) {
    super(message);
    this.name = 'EligibilityModelError';
  }
}

export interface ModelOptions {
  /** Directory with the .dmn files; default BPMN_DIR or the package's bpmn/. */
  modelsDir?: string;
}

/* ---------------------------------------------------------------------------------------------
 * Models: every .dmn in the directory, indexed by decision id, cached per directory.
 * ------------------------------------------------------------------------------------------- */

const cache = new Map<string, Promise<Map<string, DecisionRequirementsGraph>>>();

/** The package's bpmn/ (walking up from this module to package.json), or BPMN_DIR when set. */
export function defaultModelsDir(): string {
  if (process.env.BPMN_DIR) return resolve(process.env.BPMN_DIR);
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'bpmn'))) return join(dir, 'bpmn');
    const parent = dirname(dir);
    if (parent === dir) return resolve('bpmn');
    dir = parent;
  }
}

async function loadModels(dir: string): Promise<Map<string, DecisionRequirementsGraph>> {
  if (!existsSync(dir)) throw new EligibilityModelError(`找不到决策模型目录 ${dir}`);
  const byDecision = new Map<string, DecisionRequirementsGraph>();
  for (const file of readdirSync(dir).filter((f) => f.toLowerCase().endsWith('.dmn')).sort()) {
    let graph: DecisionRequirementsGraph;
    try {
      graph = await parseDmn(readFileSync(join(dir, file), 'utf8'), file);
    } catch (err) {
      throw new EligibilityModelError(`决策模型 ${file} 无法解析：${(err as Error).message}`);
    }
    for (const d of graph.decisions) byDecision.set(d.id, graph);
  }
  return byDecision;
}

/** The parsed models of `dir`, parsed once. */
export function models(dir = defaultModelsDir()): Promise<Map<string, DecisionRequirementsGraph>> {
  const key = resolve(dir);
  let entry = cache.get(key);
  if (!entry) {
    entry = loadModels(key);
    cache.set(key, entry);
    entry.catch(() => cache.delete(key));
  }
  return entry;
}

export function clearModelCache(): void {
  cache.clear();
}

async function evaluate(decisionId: string, variables: Record<string, Json>, asOf: string, options: ModelOptions): Promise<Json> {
  const graphs = await models(options.modelsDir);
  const graph = graphs.get(decisionId);
  if (!graph) throw new EligibilityModelError(`决策模型目录中没有决策 ${decisionId}`, decisionId);
  // The engine clock for now()/today(): the evaluation date, 00:00 Asia/Shanghai.
  const now = Date.parse(`${asOf}T00:00:00+08:00`);
  try {
    return evaluateDecision(graph, decisionId, variables, () => now).output;
  } catch (err) {
    throw new EligibilityModelError(`决策 ${decisionId} 求值失败：${(err as Error).message}`, decisionId);
  }
}

function checkOutput<T>(schema: z.ZodType<T>, output: Json, decisionId: string): T {
  const result = schema.safeParse(output);
  if (!result.success) {
    const where = result.error.issues.map((i) => `${i.path.join('.') || '(result)'}: ${i.message}`).join('; ');
    throw new EligibilityModelError(`决策 ${decisionId} 的结果格式不符（${where}）：${JSON.stringify(output)}`, decisionId);
  }
  return result.data;
}

/* ---------------------------------------------------------------------------------------------
 * Applicant eligibility
 * ------------------------------------------------------------------------------------------- */

export const eligibilityRequestSchema = z.strictObject({
  jurisdiction: z.enum(JURISDICTIONS),
  level: z.enum(['T', 'S']),
  asOf: isoDate,
  applicant: z.unknown(),
  bans: bansSchema.optional(),
});

export interface EligibilityRequest {
  jurisdiction: Jurisdiction;
  level: AppraisalLevel;
  /** The evaluation date, YYYY-MM-DD. */
  asOf: string;
  /** An applicant record (validated here; see applicant.ts). */
  applicant: unknown;
  /** Bans in force from the registry (弄虚作假, 003 六(四); 002 七(四)). */
  bans?: Bans;
}

export type Facts = EligibilityFacts & BanFacts;

export interface EligibilityResult {
  eligible: boolean;
  /** How the applicant qualifies; null when not eligible. */
  route: Route | null;
  /** Clause codes the eligibility rests on (docs/eligibility.md); [] when not eligible. */
  basis: string[];
  /** Priority conditions (优先考虑) met: NAT-P-…, FJ-P-…, SC-P-…. */
  priority: string[];
  /** Points for reviewers: beyond-retirement-age, exceptional-route, attestation-missing, … */
  flags: string[];
  /** zh-CN reasons when not eligible; [] when eligible. */
  reasons: string[];
  facts: Facts;
}

/** What every eligibility decision returns (docs/eligibility.md). */
export const decisionResultSchema = z.object({
  eligible: z.boolean(),
  route: z.enum(['standard', 'direct', 'exceptional']).nullable(),
  basis: z.array(z.string()),
  priority: z.array(z.string()),
  flags: z.array(z.string()),
  reasons: z.array(z.string()),
});

export const eligibilityDecisionId = (jurisdiction: Jurisdiction, level: AppraisalLevel): string => `eligibility-${jurisdiction}-${level}`;

/** Validates the request's own fields (not the applicant): field paths jurisdiction, level, asOf, bans…. */
function parseRequest(request: unknown): z.infer<typeof eligibilityRequestSchema> {
  return parseWith(eligibilityRequestSchema, request, { rule: REQUEST_RULE });
}

const REQUEST_RULE = 'docs/eligibility.md 评估请求';

function assertLevelDefined(jurisdiction: Jurisdiction, level: AppraisalLevel): void {
  if (jurisdiction === 'national' && level === 'S') throw new UnsupportedLevelError(jurisdiction, level);
}

/**
 * Evaluates eligibility. Throws InputValidationError (bad request or applicant, with field paths),
 * UnsupportedLevelError (national 首席技师) or EligibilityModelError (models missing or broken).
 */
export async function evaluateEligibility(request: EligibilityRequest, options: ModelOptions = {}): Promise<EligibilityResult> {
  const { jurisdiction, level, asOf, applicant: raw, bans } = parseRequest(request);
  assertLevelDefined(jurisdiction, level);
  const applicant = parseApplicant(raw, { asOf });
  const facts: Facts = { ...computeFacts(applicant, asOf), ...computeBanFacts(bans, asOf) };
  const decisionId = eligibilityDecisionId(jurisdiction, level);
  const output = checkOutput(decisionResultSchema, await evaluate(decisionId, facts as unknown as Record<string, Json>, asOf, options), decisionId);
  return { ...output, facts };
}

/* ---------------------------------------------------------------------------------------------
 * Enterprise prerequisites
 * ------------------------------------------------------------------------------------------- */

export interface PrerequisitesRequest {
  jurisdiction: Jurisdiction;
  level: AppraisalLevel;
  asOf: string;
  enterprise: unknown;
}

export interface PrerequisitesResult {
  met: boolean;
  basis: string[];
  flags: string[];
  reasons: string[];
  facts: EnterpriseFacts;
}

const prerequisitesResultSchema = z.object({
  met: z.boolean(),
  basis: z.array(z.string()),
  flags: z.array(z.string()),
  reasons: z.array(z.string()),
});

export async function evaluatePrerequisites(request: PrerequisitesRequest, options: ModelOptions = {}): Promise<PrerequisitesResult> {
  const { jurisdiction, level, asOf, enterprise } = parseWith(
    z.strictObject({ jurisdiction: z.enum(JURISDICTIONS), level: z.enum(['T', 'S']), asOf: isoDate, enterprise: enterpriseSchema }),
    request,
    { rule: 'docs/eligibility.md 企业（单位）范围' },
  );
  assertLevelDefined(jurisdiction, level);
  const facts = computeEnterpriseFacts(enterprise, asOf);
  const decisionId = `prerequisites-${jurisdiction}-${level}`;
  const output = checkOutput(prerequisitesResultSchema, await evaluate(decisionId, facts as unknown as Record<string, Json>, asOf, options), decisionId);
  return { ...output, facts };
}

/* ---------------------------------------------------------------------------------------------
 * Sichuan direct recognition (001 附件2)
 * ------------------------------------------------------------------------------------------- */

export interface DirectRecognitionResult {
  eligible: boolean;
  basis: string[];
  /** Every condition that applies to the target group and level: any one suffices. */
  conditions: { code: string; text: string }[];
  /** Performance × weight + review × (1 − weight), for 技师 and 高级技师 when both scores are given. */
  combinedScore: number | null;
  reasons: string[];
}

const directRecognitionResultSchema = z.object({
  eligible: z.boolean(),
  basis: z.array(z.string()),
  conditions: z.array(z.object({ code: z.string(), text: z.string() })),
  combinedScore: z.number().nullable(),
  reasons: z.array(z.string()),
});

export async function evaluateSichuanDirectRecognition(input: unknown, asOf: string, options: ModelOptions = {}): Promise<DirectRecognitionResult> {
  const parsed = parseWith(directRecognitionSchema, input, { rule: 'docs/eligibility.md 四川直接认定' });
  const decisionId = 'direct-recognition-sichuan';
  return checkOutput(directRecognitionResultSchema, await evaluate(decisionId, directRecognitionFacts(parsed), asOf, options), decisionId);
}

export { InputValidationError, type FieldIssue };
