// Interoperability smoke test of the progress, indicator and notification
// services: a client written with another gRPC stack (@grpc/grpc-js, pure
// JavaScript) loads the project's .proto files directly — no generated code
// shared with the C++ build — and drives the real registry_server,
// progress_server, indicator_server and notification_server, started on
// 127.0.0.1 with free ports and wired to each other as in production
// (development mode: this test speaks for a client stack, not for the token
// format). Through them: a department reports and the bureau reads the
// submission status; the plan's indicators are listed, the plan evaluated and
// the evaluation recorded; the notification rules and the bureau's inbox are
// read; a supervision order reaches a webhook receiver typed by its kind, and
// every webhook body matches the published schema
// (docs/schemas/notification-webhook.schema.json, checked with Ajv); and every server
// answers grpc.health.v1 and lists its services through server reflection.
//
//   node --test tests/interop/
//
// Environment: ECOPLAN_REGISTRY_SERVER, ECOPLAN_PROGRESS_SERVER,
// ECOPLAN_INDICATOR_SERVER, ECOPLAN_NOTIFICATION_SERVER (the binaries; default
// build/services/<service>/<service>_server), ECOPLAN_SEED (the plan document;
// default seeds/mentougou_2026_beautiful_mentougou_action_plan.txt).
// Every server is always stopped at the end (SIGTERM, then SIGKILL after 15 s).

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import Ajv2020 from 'ajv/dist/2020.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const binary = (service) => resolve(process.env[`ECOPLAN_${service.toUpperCase()}_SERVER`] ??
  join(root, `build/services/${service}/${service}_server`));
const seedPath = resolve(process.env.ECOPLAN_SEED ?? join(root, 'seeds/mentougou_2026_beautiful_mentougou_action_plan.txt'));
const kDeadlineMs = 30_000;

// --- the contracts, loaded from source ---------------------------------------

const loaderOptions = { keepCase: true, longs: String, enums: String, defaults: true, oneofs: true };
const ecoplan = grpc.loadPackageDefinition(protoLoader.loadSync(
  ['ecoplan/registry/v1/registry_service.proto', 'ecoplan/progress/v1/progress_service.proto',
    'ecoplan/indicator/v1/indicator_service.proto', 'ecoplan/notification/v1/notification_service.proto'],
  { ...loaderOptions, includeDirs: [join(root, 'proto')] })).ecoplan;
const grpcProtos = grpc.loadPackageDefinition(protoLoader.loadSync(
  ['grpc/health/v1/health.proto', 'grpc/reflection/v1alpha/reflection.proto'],
  { ...loaderOptions, includeDirs: [join(here, 'protos')] })).grpc;

const services = {
  registry: 'ecoplan.registry.v1.RegistryService',
  progress: 'ecoplan.progress.v1.ProgressService',
  indicator: 'ecoplan.indicator.v1.IndicatorService',
  notification: 'ecoplan.notification.v1.NotificationService',
};

// --- the servers under test ---------------------------------------------------

const workDir = mkdtempSync(join(tmpdir(), 'ecoplan-interop-services-'));
const servers = {};  // name → { process, log, address }
const clients = [];

function failure(what) {
  const logs = Object.entries(servers).map(([name, s]) => `--- ${name}\n${s.log.slice(-2000)}`).join('\n');
  return new Error(`${what}\n${logs}`);
}

function alive(s) { return s.process.exitCode === null && s.process.signalCode === null; }

async function waitFor(predicate, what, timeoutMs = kDeadlineMs) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await predicate();
    if (value) return value;
    for (const [name, s] of Object.entries(servers)) {
      if (!alive(s)) throw failure(`${name}_server exited (${s.process.exitCode ?? s.process.signalCode}) before ${what}`);
    }
    if (Date.now() > deadline) throw failure(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function killAll() {
  for (const s of Object.values(servers)) if (alive(s)) s.process.kill('SIGKILL');
}

async function stop(s) {
  if (!alive(s)) return { code: s.process.exitCode, signal: s.process.signalCode };
  const exited = new Promise((r) => s.process.once('exit', (code, signal) => r({ code, signal })));
  s.process.kill('SIGTERM');
  const timer = setTimeout(() => { if (alive(s)) s.process.kill('SIGKILL'); }, 15_000);
  const result = await exited;
  clearTimeout(timer);
  return result;
}

async function start(name, extra) {
  const path = binary(name);
  assert.ok(existsSync(path), `no ${name}_server at ${path}; build first (scripts/build.sh) or set ECOPLAN_${name.toUpperCase()}_SERVER`);
  const portFile = join(workDir, `${name}.port`);
  const args = ['--host=127.0.0.1', '--port=0', '--http_port=-1', `--port_file=${portFile}`,
    `--db_path=${join(workDir, `${name}-db`)}`, `--backup_dir=${join(workDir, `${name}-backups`)}`,
    // Development mode: every caller is one subject, so no per-caller rate limit.
    '--insecure_development_mode', '--grpc_reflection', '--rate_limit_per_second=0', ...extra];
  const child = spawn(path, args, { stdio: ['ignore', 'ignore', 'pipe'], cwd: workDir });
  const s = { process: child, log: '', address: '' };
  servers[name] = s;
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk) => { s.log += chunk; });
  const port = await waitFor(() => {
    if (!existsSync(portFile)) return null;
    const text = readFileSync(portFile, 'utf8').trim();
    return /^\d+$/.test(text) ? Number(text) : null;
  }, `the port file of ${name}_server`);
  s.address = `127.0.0.1:${port}`;
  return s.address;
}

before(async () => {
  process.once('exit', killAll);  // never leave one behind, even if the runner dies
  const registry = await start('registry', []);
  const progress = await start('progress', [`--registry_address=${registry}`, '--registry_max_backoff=200ms']);
  const indicator = await start('indicator', [`--registry_address=${registry}`,
    `--progress_address=${progress}`, '--registry_max_backoff=200ms', '--progress_max_backoff=200ms',
    // The test records the evaluation itself (RecordEvaluation), as of a day of its choosing.
    '--evaluation_time=off', '--evaluation_debounce=0s']);
  await start('notification', [`--registry_address=${registry}`, `--progress_address=${progress}`,
    `--indicator_address=${indicator}`, '--schedule_interval=1s',
    // The test's webhook receiver is on loopback, which webhooks reach only when allow-listed.
    '--webhook_allowed_networks=127.0.0.1/32']);
});

after(async () => {
  for (const c of clients) c.close();
  for (const name of ['notification', 'indicator', 'progress', 'registry']) {
    if (servers[name]) await stop(servers[name]);
  }
  rmSync(workDir, { recursive: true, force: true });
});

// --- helpers -------------------------------------------------------------------

function client(name, Service) {
  const c = new Service(servers[name].address, grpc.credentials.createInsecure(), {
    'grpc.max_receive_message_length': 64 << 20 });
  clients.push(c);
  return c;
}

function call(stub, method, request) {
  return new Promise((resolvePromise, reject) => {
    stub[method](request, { deadline: new Date(Date.now() + kDeadlineMs) }, (err, response) => {
      if (err) reject(err); else resolvePromise(response);
    });
  });
}

// Resolves a call that may fail while a service is still catching up (UNAVAILABLE, NOT_FOUND).
async function eventually(what, attempt) {
  let last;
  return waitFor(async () => {
    try {
      return await attempt();
    } catch (e) {
      last = e;
      if (![grpc.status.UNAVAILABLE, grpc.status.NOT_FOUND].includes(e.code)) throw e;
      return null;
    }
  }, `${what} (last: ${last?.message})`);
}

const stub = {
  registry: () => client('registry', ecoplan.registry.v1.RegistryService),
  progress: () => client('progress', ecoplan.progress.v1.ProgressService),
  indicator: () => client('indicator', ecoplan.indicator.v1.IndicatorService),
  notification: () => client('notification', ecoplan.notification.v1.NotificationService),
};
let plan;  // plans/...

// --- the tests (in order: they share the servers) -----------------------------

test('health: every server reports SERVING overall, by short name and for its service', async () => {
  for (const [name, service] of Object.entries(services)) {
    const health = client(name, grpcProtos.health.v1.Health);
    for (const s of ['', name, service]) {
      const response = await call(health, 'Check', { service: s });
      assert.equal(response.status, 'SERVING', `${name}: health of "${s}"`);
    }
    await assert.rejects(call(health, 'Check', { service: 'no.such.Service' }), { code: grpc.status.NOT_FOUND });
  }
});

test('reflection v1alpha lists each server\'s services and resolves its descriptor', async () => {
  for (const [name, service] of Object.entries(services)) {
    const reflection = client(name, grpcProtos.reflection.v1alpha.ServerReflection);
    const stream = reflection.ServerReflectionInfo({ deadline: new Date(Date.now() + kDeadlineMs) });
    const responses = [];
    const done = new Promise((resolvePromise, reject) => {
      stream.on('data', (r) => { responses.push(r); if (responses.length === 2) stream.end(); });
      stream.on('error', reject);
      stream.on('end', resolvePromise);
    });
    stream.write({ host: '', list_services: '' });
    stream.write({ host: '', file_containing_symbol: service });
    await done;
    const names = responses[0].list_services_response.service.map((s) => s.name);
    for (const expected of [service, 'ecoplan.admin.v1.AdminService', 'grpc.health.v1.Health',
      'grpc.reflection.v1alpha.ServerReflection']) {
      assert.ok(names.includes(expected), `${name}: ${expected} in ${names}`);
    }
    const files = responses[1].file_descriptor_response?.file_descriptor_proto ?? [];
    const path = `ecoplan/${name}/v1/${name}_service.proto`;
    assert.ok(files.some((f) => Buffer.from(f).includes(Buffer.from(path))), `${name}: descriptor of ${path}`);
  }
});

test('the registry imports the seed plan; the other services follow it', async () => {
  const response = await call(stub.registry(), 'ImportPlan', {
    document_text: readFileSync(seedPath, 'utf8'), request_id: 'interop-services-import' });
  plan = response.plan.name;
  assert.match(plan, /^plans\/2026-/);
});

test('progress: 区交通局 submits its April report; the submission status shows it (late by the real clock)', async () => {
  const resolved = await call(stub.registry(), 'ResolveOrganization', { written_name: '区交通局' });
  const organization = resolved.organizations[0].name;
  assert.match(organization, /^organizations\/o-/);
  const progress = stub.progress();
  const request = {
    parent: plan, organization, period: '2026-04', request_id: 'interop-services-report-1', actor: '交通局联络员',
    entries: [{
      measure: `${plan}/measures/a1-t3-m2`, status: 'MEASURE_STATUS_IN_PROGRESS', percent_done: 40,
      work_done: '推广新能源车辆', next_steps: '继续推进',
      values: [{ name: '新能源车辆', value: 120, unit: '辆' }],
    }],
  };
  // The progress service knows the plan once it has followed the registry.
  const submitted = await eventually('the progress service to know the plan', () => call(progress, 'SubmitReport', request));
  const report = submitted.report;
  assert.equal(report.name, `${plan}/reports/${organization.split('/').pop()}_2026-04`);
  assert.equal(report.state, 'REPORT_STATE_SUBMITTED');
  assert.equal(report.organization_display_name, '区交通局');
  assert.equal(report.timeliness, 'TIMELINESS_LATE');
  assert.equal(report.entries[0].values[0].value, 120);
  // A retry with the same request id returns the first result.
  const retried = await call(progress, 'SubmitReport', request);
  assert.equal(retried.report.revision, report.revision);

  const status = await call(progress, 'GetSubmissionStatus', { plan, period: '2026-04' });
  assert.equal(status.period, '2026-04');
  assert.deepEqual(status.due.due_date, { year: 2026, month: 4, day: 25 });
  const transport = status.organizations.find((o) => o.organization === organization);
  assert.ok(transport, '区交通局 in the submission status');
  assert.equal(transport.state, 'SUBMISSION_STATE_LATE');
  assert.equal(transport.report, report.name);
  assert.equal(status.late_count, 1);
  assert.equal(status.missing_count, status.organizations.length - 1);
  await assert.rejects(call(progress, 'GetSubmissionStatus', { plan, period: '2026-13' }),
    { code: grpc.status.INVALID_ARGUMENT });
});

test('indicator: the plan\'s indicators are listed and the plan is evaluated', async () => {
  const indicator = stub.indicator();
  const list = await eventually('the indicator service to build the plan\'s indicators', async () => {
    const response = await call(indicator, 'ListIndicators', { parent: plan, page_size: 1000 });
    return response.indicators.length > 0 ? response : null;
  });
  const pm25 = list.indicators.find((i) => i.name === `${plan}/indicators/a4-pm25`);
  assert.ok(pm25, `a4-pm25 in ${list.indicators.map((i) => i.name)}`);
  assert.equal(pm25.target_value, 27);
  assert.equal(pm25.comparator, 'COMPARATOR_AT_MOST');
  assert.equal(pm25.scope_kind, 'SCOPE_KIND_DISTRICT');

  const evaluated = await call(indicator, 'EvaluatePlan', { plan, as_of: { year: 2026, month: 4, day: 30 } });
  assert.equal(evaluated.evaluations.length, list.indicators.length);
  const district = evaluated.evaluations.find((e) => e.indicator.name === pm25.name);
  // No air-quality reading was loaded: nothing to judge yet.
  assert.equal(district.status, 'INDICATOR_STATUS_INSUFFICIENT_DATA');
  assert.ok(evaluated.measure_lights.length > 100, `${evaluated.measure_lights.length} measure colours`);
  assert.ok(evaluated.scorecards.some((c) => c.organization === '区交通局'), 'a scorecard of 区交通局');

  // Evaluating recorded nothing; RecordEvaluation records each status once.
  const asOf = { year: 2026, month: 4, day: 30 };
  const recorded = await call(indicator, 'RecordEvaluation', { plan, as_of: asOf });
  const change = recorded.changes.find((c) => c.indicator === pm25.name);
  assert.ok(change, `a4-pm25 among ${recorded.changes.length} recorded changes`);
  assert.equal(change.previous_status, 'INDICATOR_STATUS_UNSPECIFIED');
  assert.equal(change.status, 'INDICATOR_STATUS_INSUFFICIENT_DATA');
  assert.equal(change.target, 27);
  assert.equal(recorded.run.changed_count, recorded.changes.length);
  assert.equal(recorded.run.trigger, 'EVALUATION_TRIGGER_REQUEST');
  const again = await call(indicator, 'RecordEvaluation', { plan, as_of: asOf });
  assert.equal(again.changes.length, 0);
});

test('notification: the default rules, and the bureau\'s inbox holds the plan import', async () => {
  const notification = stub.notification();
  const rules = await call(notification, 'ListRules', {});
  const byName = Object.fromEntries(rules.rules.map((r) => [r.name, r]));
  assert.equal(byName['rules/report-overdue']?.severity, 'SEVERITY_CRITICAL');
  assert.equal(byName['rules/report-overdue']?.kind, 'NOTIFICATION_KIND_REPORT_OVERDUE');
  assert.deepEqual(byName['rules/report-due-soon']?.lead_days, [3]);

  const bureau = (await call(stub.registry(), 'ResolveOrganization', { written_name: '区生态环境局' })).organizations[0].name;
  const inbox = await eventually('the notification service to tell the bureau of the plan', async () => {
    const response = await call(notification, 'ListNotifications', { parent: bureau, kind: 'NOTIFICATION_KIND_PLAN_IMPORTED' });
    return response.notifications.length > 0 ? response : null;
  });
  const imported = inbox.notifications[0];
  assert.equal(imported.recipient, bureau);
  assert.equal(imported.title, '新行动计划已导入：美丽门头沟建设2026年行动计划');
  assert.equal(imported.severity, 'SEVERITY_INFO');
  assert.equal(imported.reason.rule, 'rules/plan-imported');
  assert.ok(Number(inbox.unread_count) >= 1);
});

test('notification: a webhook is typed by its kind and every body matches the published schema', async () => {
  const schema = JSON.parse(readFileSync(join(root, 'docs/schemas/notification-webhook.schema.json'), 'utf8'));
  // The schema names every kind of the contract, no more and no fewer.
  const kinds = ecoplan.notification.v1.NotificationKind.type.value.map((v) => v.name)
    .filter((k) => k !== 'NOTIFICATION_KIND_UNSPECIFIED');
  assert.deepEqual(schema.$defs.Notification.properties.kind.enum, kinds);
  assert.deepEqual(schema.properties.type.enum,
    kinds.map((k) => `notification.${k.slice('NOTIFICATION_KIND_'.length).toLowerCase()}`));
  const validate = new Ajv2020({ allErrors: true, strict: true }).compile(schema);

  const bodies = [];
  const receiver = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk) => { body += chunk; });
    req.on('end', () => { bodies.push(body); res.writeHead(204).end(); });
  });
  await new Promise((r) => receiver.listen(0, '127.0.0.1', r));
  try {
    const notification = stub.notification();
    await call(notification, 'CreateSubscription', {
      subscription: { url: `http://127.0.0.1:${receiver.address().port}/hook`, description: 'interop receiver' },
      secret: `whsec_${randomBytes(32).toString('base64')}`, request_id: 'interop-subscription' });
    // Something happens: the bureau issues a red supervision order to 区交通局 on a1-t3-m2.
    const transport = (await call(stub.registry(), 'ResolveOrganization', { written_name: '区交通局' })).organizations[0].name;
    await call(stub.progress(), 'IssueSupervisionOrder', {
      parent: plan, title: '关于老旧车辆淘汰进度的督办', description: '请说明进展并按期回复',
      source: { kind: 'SUPERVISION_SOURCE_KIND_REVIEW_MEETING', reference: '5月点评会第3项' },
      level: 'SUPERVISION_LEVEL_RED', measures: [`${plan}/measures/a1-t3-m2`], organizations: [transport],
      request_id: 'interop-order' });
    const issued = await waitFor(() => bodies.map((b) => JSON.parse(b))
      .find((b) => b.type === 'notification.supervision_order_issued'), 'the order\'s webhook');
    assert.equal(issued.data.kind, 'NOTIFICATION_KIND_SUPERVISION_ORDER_ISSUED');
    assert.equal(issued.data.severity, 'SEVERITY_CRITICAL');  // 红色督办
    assert.equal(issued.data.recipient, transport);
    assert.match(issued.data.title, /红色督办/);
    for (const body of bodies) {
      assert.ok(validate(JSON.parse(body)), `${JSON.stringify(validate.errors)}\n${body}`);
    }
  } finally {
    receiver.closeAllConnections();
    await new Promise((r) => receiver.close(r));
  }
});

test('SIGTERM stops every server gracefully (exit 0)', async () => {
  for (const name of ['notification', 'indicator', 'progress', 'registry']) {
    const result = await stop(servers[name]);
    assert.deepEqual(result, { code: 0, signal: null }, `${name}_server\n${servers[name].log.slice(-2000)}`);
  }
});
