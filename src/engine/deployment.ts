/**
 * Deployment: parses BPMN, DMN and form resources, refuses the whole deployment if any of them
 * cannot run, and stores new versions the way Zeebe versions them. Kept apart from the runtime
 * behaviours because it is the only place that turns resources into loaded models and DRGs.
 */
import { createHash } from 'node:crypto';
import type { Clock } from './clock.js';
import { EngineError } from './errors.js';
import { parseDmn } from '../dmn/index.js';
import type { DecisionRequirementsGraph } from '../dmn/types.js';
import { ModelError } from '../model-error.js';
import { parseBpmn, type ProcessModel } from './model.js';
import type { Store } from './store.js';
import type { DeployedForm, DeployedProcess, DeploymentResponse, DeployResource } from './types.js';
import { DEFAULT_TENANT } from './rows.js';
import type { CommandState, EngineContext } from './context.js';

export class Deployment {
  private readonly store: Store;
  private readonly clock: Clock;
  private readonly models: Map<number, ProcessModel>;
  private readonly graphs: Map<number, DecisionRequirementsGraph>;
  private readonly tx: CommandState;

  constructor(private readonly ctx: EngineContext) {
    this.store = ctx.store;
    this.clock = ctx.clock;
    this.models = ctx.models;
    this.graphs = ctx.graphs;
    this.tx = ctx.tx;
  }

  async deploy(resources: DeployResource[], tenantId: string = DEFAULT_TENANT): Promise<DeploymentResponse> {
    if (resources.length === 0) throw new EngineError('INVALID_ARGUMENT', 'Expected to deploy at least one resource, but none given', 'CREATE');
    type Parsed =
      | { kind: 'process'; resource: DeployResource; xml: string; models: ProcessModel[]; checksum: string }
      | { kind: 'form'; resource: DeployResource; formId: string; json: string; checksum: string }
      | { kind: 'dmn'; resource: DeployResource; xml: string; graph: DecisionRequirementsGraph; checksum: string };
    const parsed: Parsed[] = [];
    const problems: string[] = [];
    const seen = new Map<string, string>();
    for (const resource of resources) {
      const checksum = createHash('sha256').update(resource.content).digest('hex');
      const text = resource.content.toString('utf8');
      const lower = resource.name.toLowerCase();
      if (lower.endsWith('.bpmn') || lower.endsWith('.xml')) {
        try {
          const models = await parseBpmn(text, resource.name);
          for (const m of models) {
            const other = seen.get(`process:${m.processId}`);
            if (other) problems.push(`Duplicated process id in resources '${other}' and '${resource.name}'`);
            seen.set(`process:${m.processId}`, resource.name);
          }
          parsed.push({ kind: 'process', resource, xml: text, models, checksum });
        } catch (err) {
          if (err instanceof ModelError) problems.push(err.message);
          else throw err;
        }
      } else if (lower.endsWith('.form')) {
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch (err) {
          problems.push(`'${resource.name}': the form is not valid JSON: ${(err as Error).message}`);
          continue;
        }
        const formId = (json as { id?: unknown } | null)?.id;
        if (typeof formId !== 'string' || formId.trim() === '') {
          problems.push(`'${resource.name}': a form must have a non-empty string 'id' (its formId)`);
          continue;
        }
        const other = seen.get(`form:${formId}`);
        if (other) problems.push(`Duplicated form id in resources '${other}' and '${resource.name}'`);
        seen.set(`form:${formId}`, resource.name);
        parsed.push({ kind: 'form', resource, formId, json: text, checksum });
      } else if (lower.endsWith('.dmn')) {
        try {
          const graph = await parseDmn(text, resource.name);
          for (const d of graph.decisions) {
            const other = seen.get(`decision:${d.id}`);
            if (other) problems.push(`Duplicated decision id '${d.id}' in resources '${other}' and '${resource.name}'`);
            seen.set(`decision:${d.id}`, resource.name);
          }
          parsed.push({ kind: 'dmn', resource, xml: text, graph, checksum });
        } catch (err) {
          if (err instanceof ModelError) problems.push(err.message);
          else throw err;
        }
      } else {
        problems.push(`'${resource.name}': unsupported resource type; expected .bpmn, .dmn or .form`);
      }
    }
    if (problems.length > 0) {
      throw new EngineError('INVALID_ARGUMENT', `Expected to deploy new resources, but encountered the following errors:\n${problems.join('\n')}`, 'CREATE');
    }
    return this.ctx.command('DEPLOY', null, () => {
      const deploymentKey = this.store.nextKey();
      const now = this.clock.now();
      this.store.stmt(`INSERT INTO deployments (key, tenant_id, created_at) VALUES (?, ?, ?)`).run(deploymentKey, tenantId, now);
      const deployments: DeploymentResponse['deployments'] = [];
      const newModels: Array<[number, ProcessModel]> = [];
      const newGraphs: Array<[number, DecisionRequirementsGraph]> = [];
      for (const p of parsed) {
        if (p.kind === 'process') {
          for (const model of p.models) {
            const { key, version, created } = this.storeResource(deploymentKey, tenantId, {
              kind: 'process',
              id: model.processId,
              name: model.name ?? null,
              versionTag: model.versionTag ?? null,
              resourceName: p.resource.name,
              content: p.xml,
              checksum: p.checksum,
              noneStart: model.hasNoneStart,
              startFormId: model.startFormId ?? null,
            });
            if (created) {
              newModels.push([key, model]);
              this.models.set(key, model);
              this.ctx.subscriptions.openStartSubscriptions(key, model, tenantId);
            }
            const processDefinition: DeployedProcess = {
              processDefinitionId: model.processId,
              processDefinitionVersion: version,
              processDefinitionKey: String(key),
              resourceName: p.resource.name,
              tenantId,
            };
            deployments.push({ processDefinition });
          }
        } else if (p.kind === 'dmn') {
          deployments.push(...this.storeDecisions(deploymentKey, tenantId, p.resource.name, p.xml, p.graph, p.checksum, newGraphs));
        } else {
          const { key, version } = this.storeResource(deploymentKey, tenantId, {
            kind: 'form',
            id: p.formId,
            name: null,
            versionTag: null,
            resourceName: p.resource.name,
            content: p.json,
            checksum: p.checksum,
          });
          const form: DeployedForm = { formId: p.formId, version, formKey: String(key), resourceName: p.resource.name, tenantId };
          deployments.push({ form });
        }
      }
      this.tx.afterCommit.push(() => {
        for (const [key, graph] of newGraphs) this.graphs.set(key, graph);
      });
      this.tx.onRollback.push(() => {
        for (const [key] of newModels) this.models.delete(key);
      });
      return { deploymentKey: String(deploymentKey), tenantId, deployments };
    });
  }

  /**
   * Zeebe's versioning: a resource equal to the latest version (same checksum and resource name) is
   * that version again; anything else becomes the next version under a new key.
   */
  private storeResource(
    deploymentKey: number,
    tenantId: string,
    r: {
      kind: string;
      id: string;
      name: string | null;
      versionTag: string | null;
      resourceName: string;
      content: string;
      checksum: string;
      /** Processes: whether there is a none start event, and the form it links. */
      noneStart?: boolean;
      startFormId?: string | null;
    },
  ): { key: number; version: number; created: boolean } {
    const prev = this.store
      .stmt(`SELECT key, version, checksum, resource_name FROM resources WHERE kind = ? AND tenant_id = ? AND resource_id = ? ORDER BY version DESC LIMIT 1`)
      .get(r.kind, tenantId, r.id) as { key: number; version: number; checksum: string; resource_name: string } | undefined;
    if (prev && prev.checksum === r.checksum && prev.resource_name === r.resourceName) {
      return { key: prev.key, version: prev.version, created: false };
    }
    const key = this.store.nextKey();
    const version = (prev?.version ?? 0) + 1;
    this.store
      .stmt(
        `INSERT INTO resources (key, kind, resource_id, name, version, version_tag, resource_name, content, checksum, deployment_key, tenant_id, none_start, start_form_id)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        key, r.kind, r.id, r.name, version, r.versionTag, r.resourceName, r.content, r.checksum, deploymentKey, tenantId,
        r.noneStart === undefined ? null : r.noneStart ? 1 : 0, r.startFormId ?? null,
      );
    return { key, version, created: true };
  }

  /** A DRG and its decisions: new versions of each when the DRG resource changed. */
  private storeDecisions(
    deploymentKey: number,
    tenantId: string,
    resourceName: string,
    xml: string,
    graph: DecisionRequirementsGraph,
    checksum: string,
    newGraphs: Array<[number, DecisionRequirementsGraph]>,
  ): DeploymentResponse['deployments'] {
    const drg = this.storeResource(deploymentKey, tenantId, {
      kind: 'decision-requirements',
      id: graph.decisionRequirementsId,
      name: graph.name,
      versionTag: null,
      resourceName,
      content: xml,
      checksum,
    });
    if (drg.created) newGraphs.push([drg.key, graph]);
    const out: DeploymentResponse['deployments'] = [
      {
        decisionRequirements: {
          decisionRequirementsId: graph.decisionRequirementsId,
          version: drg.version,
          decisionRequirementsName: graph.name,
          tenantId,
          resourceName,
          decisionRequirementsKey: String(drg.key),
        },
      },
    ];
    for (const decision of graph.decisions) {
      // The decision's content points at its DRG; its checksum is the DRG's, so it versions with it.
      const d = this.storeResource(deploymentKey, tenantId, {
        kind: 'decision',
        id: decision.id,
        name: decision.name,
        versionTag: decision.versionTag ?? null,
        resourceName,
        content: String(drg.key),
        checksum: `${checksum}:${drg.key}`,
      });
      out.push({
        decisionDefinition: {
          decisionDefinitionId: decision.id,
          version: d.version,
          name: decision.name,
          tenantId,
          decisionRequirementsId: graph.decisionRequirementsId,
          decisionDefinitionKey: String(d.key),
          decisionRequirementsKey: String(drg.key),
        },
      });
    }
    return out;
  }
}
