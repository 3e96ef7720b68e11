/**
 * `certificate-issuance` (颁证与聘任) end to end: bpmn/certificate-issuance.bpmn with the real
 * certificate workers, the registry, the local national registry and — for the outage — the HTTP
 * adapter against a national system stand-in on 127.0.0.1; the user task record-appointment completed
 * with exactly what form certificate-record-appointment submits. Each test gets its own engine with
 * only this model deployed, so models other people are editing cannot break it.
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config.js';
import { parseCertificateCode } from '../../src/domain/certificate-code.js';
import issue from '../../workers/certificate/issue.js';
import recordAppointment from '../../workers/certificate/record-appointment.js';
import upload from '../../workers/certificate/upload.js';
import type { WorkerDefinition } from '../../workers/runtime.js';
import { ROOT } from '../support/harness.js';
import { startProcessHarness, type ProcessHarness, jobContext } from '../support/process.js';

const WORKERS: WorkerDefinition[] = [issue, upload, recordAppointment];
const PINNED = '2026-11-02T10:00:00+08:00';

let h: ProcessHarness | undefined;
let modelDir: string | undefined;
let server: Server | undefined;

async function harness(options: { workers?: WorkerDefinition[]; config?: Partial<Config> } = {}): Promise<ProcessHarness> {
  modelDir = mkdtempSync(join(tmpdir(), 'pingpin-certificate-model-'));
  copyFileSync(join(ROOT, 'bpmn', 'certificate-issuance.bpmn'), join(modelDir, 'certificate-issuance.bpmn'));
  h = await startProcessHarness({ pinnedAt: PINNED, workers: options.workers ?? WORKERS, bpmnDir: modelDir, config: options.config });
  return h;
}

afterEach(async () => {
  await h?.stop();
  h = undefined;
  if (modelDir) rmSync(modelDir, { recursive: true, force: true });
  modelDir = undefined;
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

interface Appointee {
  pi: string;
  applicationId: string;
  idNumber: string;
  creditCode: string;
  hr: string;
}

/** A Guangdong enterprise filed with the province (Y 0000 44 site 000007) and one appointee. */
async function startIssuance(h: ProcessHarness, n = 1, enterpriseN = 7): Promise<Appointee> {
  const enterprise = (await h.registry.enterprises.get(h.seed.creditCode(enterpriseN, '440300'))) ?? (await h.seed.enterprise({ jurisdiction: 'guangdong', n: enterpriseN }));
  const [campaign] = await h.registry.campaigns.list({ creditCode: enterprise.creditCode });
  const cmp = campaign ?? (await h.seed.campaign(enterprise));
  const applicant = h.seed.applicant({ n, name: n === 1 ? '黄志强' : `申请人${n}` });
  const app = await h.seed.application(cmp.id, applicant);
  const groups = {
    hr: `enterprise-${enterprise.creditCode}-hr`,
    panel: `enterprise-${enterprise.creditCode}-panel`,
    oversight: `enterprise-${enterprise.creditCode}-oversight`,
    city: 'city-440300',
    province: 'province-44',
  };
  const pi = await h.startProcess('certificate-issuance', {
    campaign: { id: cmp.id, jurisdiction: 'guangdong', level: 'T', year: 2026, batch: 1, deadline: '2026-07-10' },
    enterprise,
    applicationId: app.id,
    groups,
    candidates: [{ applicationId: app.id, name: applicant.name, idNumberMasked: app.applicant.idNumber, occupation: { code: '6-18-01-01', name: '车工' } }],
  });
  return { pi, applicationId: app.id, idNumber: applicant.idNumber, creditCode: enterprise.creditCode, hr: groups.hr };
}

/** What form certificate-record-appointment submits. */
const APPOINTMENT = {
  appointment: {
    signedOn: '2026-11-03',
    agreementNumber: 'GD-PR-2026-017',
    startOn: '2026-11-03',
    endOn: '2029-11-02',
    post: '数控车工特级技师岗',
    duties: '带徒传技，牵头数控车削工艺攻关。',
    benefits: '比照本企业正高级职称人员享受相关待遇。',
  },
};

async function appoint(h: ProcessHarness, a: Appointee): Promise<Record<string, unknown>> {
  const task = await h.waitForUserTask({ processInstanceKey: a.pi, elementId: 'record-appointment', candidateGroup: a.hr, timeoutMs: 30_000 });
  await h.completeUserTask(task, APPOINTMENT);
  return h.waitForCompletion(a.pi);
}


/** The national certificate query system, as far as pingpin sees it. */
function nationalSystem() {
  const state = {
    answer: { status: 503, body: '{"code":"SERVICE_UNAVAILABLE","message":"系统维护中，请稍后再试"}' },
    requests: [] as Array<{ headers: IncomingHttpHeaders; body: Record<string, unknown> }>,
    url: '',
  };
  server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString('utf8')));
    req.on('end', () => {
      state.requests.push({ headers: req.headers, body: JSON.parse(raw || '{}') as Record<string, unknown> });
      res.writeHead(state.answer.status, { 'content-type': 'application/json; charset=utf-8' });
      res.end(state.answer.body);
    });
  });
  return new Promise<typeof state>((resolve) =>
    server!.listen(0, '127.0.0.1', () => {
      state.url = `http://127.0.0.1:${(server!.address() as AddressInfo).port}`;
      resolve(state);
    }),
  );
}

describe('certificate-issuance', () => {
  it('issues the 22-character code from the filing, uploads it and records the appointment', async () => {
    const h = await harness();
    const a = await startIssuance(h);
    const task = await h.waitForUserTask({ processInstanceKey: a.pi, elementId: 'record-appointment', candidateGroup: a.hr });
    const before = await h.variables(a.pi);
    const code = before.certificateCode as string;

    // DOMAIN.md §3: Y (employer) 0000 (filed with the province) 44 (Guangdong) 000007 (site) 26 T 000001.
    expect(code).toBe('Y00004400000726T000001');
    expect(code).toHaveLength(22);
    const parsed = parseCertificateCode(code);
    expect(parsed.valid).toBe(true);
    expect(parsed.parts).toMatchObject({ category: 'Y', evaluatorCode: '0000', province: '44', site: '000007', year: 2026, level: 'T', serial: 1 });
    expect(before.certificate).toEqual({ code, level: 'T', year: 2026, serial: 1, issuedOn: '2026-11-02', evaluatorKey: 'Y000044000007' });

    const cert = (await h.registry.certificates.get(code))!;
    expect(cert).toMatchObject({ holderName: '黄志强', level: 'T', occupation: { code: '6-18-01-01', name: '车工' }, applicationId: a.applicationId, status: 'valid', issuedOn: '2026-11-02' });
    const uploaded = (await h.registry.nationalUploads.get(code))!;
    expect(uploaded).toMatchObject({ certificateCode: code, holderName: '黄志强', level: 'T', evaluator: { creditCode: a.creditCode }, issuedOn: '2026-11-02' });
    expect(uploaded.idNumber).toBe(`${a.idNumber.slice(0, 4)}**********${a.idNumber.slice(14)}`);
    // The local adapter's receipt, kept with the upload record.
    expect(uploaded.receipt).toEqual({ via: 'local', reference: code, status: 'recorded', receivedAt: uploaded.uploadedAt, httpStatus: null, answer: null });
    expect(before.nationalUpload).toEqual({ certificateCode: code, reference: code, alreadyUploaded: false, via: 'local', status: 'recorded', receivedAt: uploaded.uploadedAt, httpStatus: null });

    await h.completeUserTask(task, APPOINTMENT);
    const vars = await h.waitForCompletion(a.pi);
    expect(vars.certificateCode).toBe(code);
    expect(await h.registry.appointments.get(a.applicationId)).toMatchObject({
      certificateCode: code,
      signedOn: '2026-11-03',
      term: { start: '2026-11-03', end: '2029-11-02' },
      post: '数控车工特级技师岗',
      // Everything the form submitted, nothing dropped.
      agreementNumber: 'GD-PR-2026-017',
      duties: '带徒传技，牵头数控车削工艺攻关。',
      benefits: '比照本企业正高级职称人员享受相关待遇。',
    });
    expect(vars.appointmentRecord).toMatchObject({
      applicationId: a.applicationId,
      certificateCode: code,
      agreementNumber: 'GD-PR-2026-017',
      duties: '带徒传技，牵头数控车削工艺攻关。',
      benefits: '比照本企业正高级职称人员享受相关待遇。',
    });
    expect((await h.registry.applications.get(a.applicationId))!.status).toBe('appointed');
    // The clear ID number went to the national system only, never into the process.
    expect(JSON.stringify(vars)).not.toContain(a.idNumber);
    const reads = (await h.registry.audit.list({ entityType: 'certificate', entityId: code })).filter((e) => e.action === 'certificate.id-number-read');
    expect(reads.map((e) => e.actor)).toEqual(['pingpin.certificate.upload']);

    // The next appointee of the same evaluator, year and level gets the next serial.
    const b = await startIssuance(h, 2);
    await appoint(h, b);
    expect((await h.variables(b.pi)).certificateCode).toBe('Y00004400000726T000002');
  });

  it('issues nothing to an application disqualified after the list was final, and ends without an incident', async () => {
    const h = await harness();
    const enterprise = await h.seed.enterprise({ jurisdiction: 'guangdong', n: 9 });
    const cmp = await h.seed.campaign(enterprise);
    const app = await h.seed.application(cmp.id, h.seed.applicant({ n: 91, name: '郑伟' }));
    // A fraud report confirmed between the final list and the issuance (003 六(四)).
    await h.registry.applications.setStatus({ id: app.id, status: 'disqualified', why: '经查实弄虚作假，取消评聘资格（003 六(四)）', by: 'test:province' });
    const pi = await h.startProcess('certificate-issuance', {
      campaign: { id: cmp.id, jurisdiction: 'guangdong', level: 'T', year: 2026, batch: 1, deadline: '2026-07-10' },
      enterprise,
      applicationId: app.id,
      groups: { hr: `enterprise-${enterprise.creditCode}-hr`, panel: '-', oversight: '-', city: 'city-440300', province: 'province-44' },
      candidates: [],
    });
    const vars = await h.waitForCompletion(pi);
    expect(vars.certificateCode).toBeNull();
    expect(vars.issueSkipped).toEqual({ status: 'disqualified', reason: '经查实弄虚作假，取消评聘资格（003 六(四)）' });
    expect(await h.waitForElement({ processInstanceKey: pi, elementId: 'issuance-skipped', state: 'COMPLETED' })).toBeDefined();
    expect(await h.registry.certificates.byApplication(app.id)).toBeUndefined();
    expect((await h.registry.applications.get(app.id))!.status).toBe('disqualified');
  });

  it('issues, uploads and records once when jobs are delivered again', async () => {
    // Each worker does its work and then "crashes" before completing its first job: the engine
    // hands the job out again after the back-off, and the second delivery must not act twice.
    const crashedOnce = new Set<string>();
    const crashAfterWork = (def: WorkerDefinition): WorkerDefinition => ({
      ...def,
      retryBackOffMs: 1_000,
      async handler(input, job, services) {
        const out = await def.handler(input, job, services);
        if (!crashedOnce.has(def.type)) {
          crashedOnce.add(def.type);
          throw new Error(`simulated crash after ${def.type} did its work`);
        }
        return out;
      },
    });
    const h = await harness({ workers: WORKERS.map(crashAfterWork) });
    const a = await startIssuance(h);
    const tick = setInterval(() => void h.advanceClock(2_000).catch(() => undefined), 200);
    try {
      await appoint(h, a);
    } finally {
      clearInterval(tick);
    }
    expect([...crashedOnce].sort()).toEqual(['pingpin.certificate.issue', 'pingpin.certificate.record-appointment', 'pingpin.certificate.upload']);

    const code = (await h.variables(a.pi)).certificateCode as string;
    expect(code).toBe('Y00004400000726T000001');
    expect(await h.registry.certificates.lastSerial('Y000044000007', 2026, 'T')).toBe(1);
    expect((await h.registry.certificates.byApplication(a.applicationId))!.code).toBe(code);
    const actions = (await h.registry.audit.list({ limit: 10_000 })).map((e) => e.action);
    expect(actions.filter((x) => x === 'certificate.issued')).toHaveLength(1);
    // The redelivered issue found the application's certificate before reading the ID number again.
    expect(actions.filter((x) => x === 'application.id-number-read')).toHaveLength(1);
    expect(actions.filter((x) => x === 'national-upload.recorded')).toHaveLength(1);
    // The redelivered upload found the receipt before reading the ID number or sending again.
    expect(actions.filter((x) => x === 'national-upload.repeated')).toHaveLength(0);
    expect(actions.filter((x) => x === 'certificate.id-number-read')).toHaveLength(1);
    expect(actions.filter((x) => x === 'appointment.recorded')).toHaveLength(1);
    expect(actions.filter((x) => x === 'appointment.record-repeated')).toHaveLength(1);
    expect((await h.variables(a.pi)).nationalUpload).toMatchObject({ alreadyUploaded: true });

    // The issue worker run twice by hand for the same application: still one certificate.
    const input = { campaign: { id: (await h.registry.applications.get(a.applicationId))!.campaignId, level: 'T' as const }, enterprise: { creditCode: a.creditCode }, applicationId: a.applicationId };
    const again = await issue.handler(input, jobContext(), h.services);
    expect(again.certificateCode).toBe(code);
    expect(await h.registry.certificates.lastSerial('Y000044000007', 2026, 'T')).toBe(1);
  });

  it('raises an incident quoting the national system when it is down, and continues once it is back', async () => {
    const national = await nationalSystem();
    const h = await harness({ config: { nationalRegistry: { kind: 'http', url: national.url, token: 'test-token-not-secret' } } });
    const a = await startIssuance(h);

    // Each delivery tries 4 times (the adapter's back-off, real time); between deliveries the engine
    // waits 5 s of its own clock, which the test moves on.
    const tick = setInterval(() => void h.advanceClock(6_000).catch(() => undefined), 500);
    let incident;
    try {
      incident = await h.waitForIncident({ processInstanceKey: a.pi, elementId: 'upload-certificate', timeoutMs: 60_000 });
    } finally {
      clearInterval(tick);
    }
    expect(incident.errorType).toBe('JOB_NO_RETRIES');
    expect(incident.errorMessage).toContain('HTTP 503');
    expect(incident.errorMessage).toContain('系统维护中，请稍后再试');
    expect(incident.errorMessage).not.toContain(a.idNumber);
    expect(national.requests).toHaveLength(12); // 3 deliveries × 4 attempts
    const [first] = national.requests;
    const code = (await h.variables(a.pi)).certificateCode as string;
    expect(first!.headers.authorization).toBe('Bearer test-token-not-secret');
    expect(first!.headers['idempotency-key']).toBe(code);
    expect(first!.body).toMatchObject({ certificateCode: code, holderName: '黄志强', idNumber: a.idNumber, level: 'T', issuedOn: '2026-11-02' });
    expect(await h.state(a.pi)).toBe('ACTIVE');

    // Nothing is recorded as uploaded while the national system has not accepted it.
    expect(await h.registry.nationalUploads.get(code)).toBeUndefined();

    // The national system is back: give the job a retry and resolve the incident.
    national.answer = { status: 201, body: JSON.stringify({ reference: 'NATL-2026-000123', status: 'ACCEPTED', receivedAt: '2026-11-02T10:05:00+08:00', holder: { idNumber: a.idNumber } }) };
    const patched = await h.http('PATCH', `/v2/jobs/${incident.jobKey}`, { changeset: { retries: 1 } });
    expect(patched.status).toBeLessThan(300);
    const resolved = await h.http('POST', `/v2/incidents/${incident.incidentKey}/resolution`, {});
    expect(resolved.status).toBeLessThan(300);

    const vars = await appoint(h, a);
    expect(vars.nationalUpload).toEqual({
      certificateCode: code,
      reference: 'NATL-2026-000123',
      alreadyUploaded: false,
      via: 'http',
      status: 'ACCEPTED',
      receivedAt: '2026-11-02T10:05:00+08:00',
      httpStatus: 201,
    });
    expect(national.requests).toHaveLength(13);
    // The registry keeps what the national system answered: the operator's proof of the upload.
    const kept = (await h.registry.nationalUploads.get(code))!;
    expect(kept.receipt).toMatchObject({ via: 'http', reference: 'NATL-2026-000123', status: 'ACCEPTED', receivedAt: '2026-11-02T10:05:00+08:00', httpStatus: 201 });
    expect(kept.receipt.answer).toContain('"reference":"NATL-2026-000123"');
    expect(kept.receipt.answer).not.toContain(a.idNumber);
    expect(kept.receipt.answer).toContain(`${a.idNumber.slice(0, 4)}**********${a.idNumber.slice(14)}`);
    expect(vars.certificateCode).toBe(code);
  }, 90_000);

  it('does not retry a refusal (4xx): the incident quotes it at once', async () => {
    const national = await nationalSystem();
    national.answer = { status: 422, body: '{"code":"INVALID_OCCUPATION","message":"职业编码 6-18-01-01 不在备案范围内"}' };
    const h = await harness({ config: { nationalRegistry: { kind: 'http', url: national.url, token: 't' } } });
    const a = await startIssuance(h);
    const incident = await h.waitForIncident({ processInstanceKey: a.pi, elementId: 'upload-certificate', timeoutMs: 15_000 });
    expect(incident.errorMessage).toContain('HTTP 422');
    expect(incident.errorMessage).toContain('不在备案范围内');
    expect(national.requests).toHaveLength(1);
  });

  it('fails with no retries, naming the variable, when the input is wrong', async () => {
    const h = await harness();
    const pi = await h.startProcess('certificate-issuance', { campaign: { id: 'c', level: 'X' }, enterprise: {}, applicationId: 'a', groups: { hr: 'g' } });
    const incident = await h.waitForIncident({ processInstanceKey: pi, elementId: 'issue-certificate' });
    expect(incident.errorType).toBe('JOB_NO_RETRIES');
    // (The wording of the levels follows the issue worker's schema, which direct recognition widened to 5…1.)
    expect(incident.errorMessage).toMatch(/campaign\.level: [^;]*campaign\.level 须为 T（特级技师）/);
    expect(incident.errorMessage).toContain('enterprise.creditCode: 缺少企业统一社会信用代码 / enterprise.creditCode is missing');
  });
});
