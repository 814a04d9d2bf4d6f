// Interoperability smoke test: a client written with another gRPC stack
// (@grpc/grpc-js, pure JavaScript) loads the project's .proto files directly —
// no generated code shared with the C++ build — and drives a real
// registry_server started on 127.0.0.1 with a free port.
//
//   node --test tests/interop/
//
// Environment: ECOPLAN_REGISTRY_SERVER (the binary; default
// build/services/registry/registry_server), ECOPLAN_SEED (the plan document;
// default seeds/mentougou_2026_beautiful_mentougou_action_plan.txt).
// The server is always stopped at the end (SIGTERM, then SIGKILL after 15 s).

import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const serverPath = resolve(process.env.ECOPLAN_REGISTRY_SERVER ?? join(root, 'build/services/registry/registry_server'));
const seedPath = resolve(process.env.ECOPLAN_SEED ?? join(root, 'seeds/mentougou_2026_beautiful_mentougou_action_plan.txt'));
const kDeadlineMs = 30_000;

// --- the contracts, loaded from source ---------------------------------------

const loaderOptions = { keepCase: true, longs: String, enums: String, defaults: true, oneofs: true };
const ecoplan = grpc.loadPackageDefinition(protoLoader.loadSync(
  ['ecoplan/registry/v1/registry_service.proto', 'ecoplan/admin/v1/admin_service.proto'],
  { ...loaderOptions, includeDirs: [join(root, 'proto')] })).ecoplan;
const grpcProtos = grpc.loadPackageDefinition(protoLoader.loadSync(
  ['grpc/health/v1/health.proto', 'grpc/reflection/v1alpha/reflection.proto'],
  { ...loaderOptions, includeDirs: [join(here, 'protos')] })).grpc;

// --- the server under test ----------------------------------------------------

const workDir = mkdtempSync(join(tmpdir(), 'ecoplan-interop-'));
let server;         // ChildProcess
let serverLog = '';
let address;        // 127.0.0.1:<port>
let serverFlags;    // the flags the binary knows
const clients = [];

function flagsOf(binary) {
  try {
    return execFileSync(binary, ['--helpfull'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    return `${e.stdout ?? ''}${e.stderr ?? ''}`;  // absl exits 1 after --helpfull
  }
}

async function waitFor(predicate, what, timeoutMs = kDeadlineMs) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = predicate();
    if (value) return value;
    if (server.exitCode !== null || server.signalCode !== null) {
      throw new Error(`registry_server exited (${server.exitCode ?? server.signalCode}) before ${what}:\n${serverLog.slice(-3000)}`);
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}:\n${serverLog.slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function killHard() {
  if (server && server.exitCode === null && server.signalCode === null) server.kill('SIGKILL');
}

async function stopServer() {
  for (const c of clients) c.close();
  if (!server || server.exitCode !== null || server.signalCode !== null) return;
  const exited = new Promise((r) => server.once('exit', (code, signal) => r({ code, signal })));
  server.kill('SIGTERM');
  const timer = setTimeout(killHard, 15_000);
  const result = await exited;
  clearTimeout(timer);
  return result;
}

before(async () => {
  assert.ok(existsSync(serverPath), `no registry_server at ${serverPath}; build first (scripts/build.sh) or set ECOPLAN_REGISTRY_SERVER`);
  serverFlags = flagsOf(serverPath);
  const portFile = join(workDir, 'port');
  const args = ['--host=127.0.0.1', '--port=0', '--http_port=-1', `--port_file=${portFile}`, `--db_path=${join(workDir, 'db')}`];
  // The registry authenticates callers (docs/SECURITY.md); this test speaks
  // for a client stack, not for the token format, so it uses the local mode.
  if (serverFlags.includes('insecure_development_mode')) args.push('--insecure_development_mode');
  // Reflection is off unless asked for (docs/SECURITY.md); this test lists the services with it.
  if (serverFlags.includes('grpc_reflection')) args.push('--grpc_reflection');
  if (serverFlags.includes('backup_dir')) args.push(`--backup_dir=${join(workDir, 'backups')}`);
  server = spawn(serverPath, args, { stdio: ['ignore', 'ignore', 'pipe'], cwd: workDir });
  process.once('exit', killHard);  // never leave it behind, even if the runner dies
  server.stderr.setEncoding('utf8');
  server.stderr.on('data', (chunk) => { serverLog += chunk; });
  const port = await waitFor(() => {
    if (!existsSync(portFile)) return null;
    const text = readFileSync(portFile, 'utf8').trim();
    return /^\d+$/.test(text) ? Number(text) : null;
  }, 'the port file');
  address = `127.0.0.1:${port}`;
});

after(async () => {
  await stopServer();
  rmSync(workDir, { recursive: true, force: true });
});

// --- helpers -------------------------------------------------------------------

function client(Service, options = {}) {
  const c = new Service(address, grpc.credentials.createInsecure(), {
    'grpc.max_receive_message_length': 64 << 20, ...options });
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

const registry = () => client(ecoplan.registry.v1.RegistryService);
let plan;  // the imported plan's name, plans/...

// --- the tests (in order: they share one server) ------------------------------

test('health: grpc.health.v1 reports SERVING overall and for the registry', async () => {
  const health = client(grpcProtos.health.v1.Health);
  for (const service of ['', 'registry', 'ecoplan.registry.v1.RegistryService']) {
    const response = await call(health, 'Check', { service });
    assert.equal(response.status, 'SERVING', `health of "${service}"`);
  }
  await assert.rejects(call(health, 'Check', { service: 'no.such.Service' }), { code: grpc.status.NOT_FOUND });
});

test('reflection v1alpha lists the services and resolves the registry descriptor', async () => {
  const reflection = client(grpcProtos.reflection.v1alpha.ServerReflection);
  const stream = reflection.ServerReflectionInfo({ deadline: new Date(Date.now() + kDeadlineMs) });
  const responses = [];
  const done = new Promise((resolvePromise, reject) => {
    stream.on('data', (r) => { responses.push(r); if (responses.length === 2) stream.end(); });
    stream.on('error', reject);
    stream.on('end', resolvePromise);
  });
  stream.write({ host: '', list_services: '' });
  stream.write({ host: '', file_containing_symbol: 'ecoplan.registry.v1.RegistryService' });
  await done;
  const names = responses[0].list_services_response.service.map((s) => s.name);
  for (const expected of ['ecoplan.registry.v1.RegistryService', 'grpc.health.v1.Health',
    'grpc.reflection.v1alpha.ServerReflection']) {
    assert.ok(names.includes(expected), `${expected} in ${names}`);
  }
  const files = responses[1].file_descriptor_response?.file_descriptor_proto ?? [];
  assert.ok(files.length > 0, 'descriptor of ecoplan.registry.v1.RegistryService');
  assert.ok(files.some((f) => f.includes('ecoplan/registry/v1/registry_service.proto')));
});

test('ImportPlan stores the seed plan', async () => {
  const response = await call(registry(), 'ImportPlan', {
    document_text: readFileSync(seedPath, 'utf8'), request_id: 'interop-import-1' });
  plan = response.plan.name;
  assert.match(plan, /^plans\/2026-/);
  assert.equal(response.already_imported, false);
  assert.match(response.plan.title, /美丽门头沟建设2026年行动计划/);
  // Importing the same document again changes nothing.
  const again = await call(registry(), 'ImportPlan', { document_text: readFileSync(seedPath, 'utf8') });
  assert.equal(again.already_imported, true);
  assert.equal(again.plan.name, plan);
});

test('ListMeasures: 区交通局 leads a1-t3-m2', async () => {
  const response = await call(registry(), 'ListMeasures', {
    parent: plan, filter: { organization: '区交通局', role: 'ORG_ROLE_LEAD' }, page_size: 1000 });
  const ids = response.measures.map((m) => m.name.split('/').pop());
  assert.ok(ids.includes('a1-t3-m2'), `a1-t3-m2 in ${ids}`);
  for (const m of response.measures) {
    assert.ok(m.lead_organizations.some((o) => JSON.stringify(o).includes('区交通局')), `${m.name} led by 区交通局`);
  }
  assert.equal(Number(response.total_size), response.measures.length);
});

test('GetTask a1-t3: 推动机动车结构优化升级 with 10 measures', async () => {
  const response = await call(registry(), 'GetTask', { name: `${plan}/tasks/a1-t3` });
  assert.equal(response.task.title, '推动机动车结构优化升级');
  assert.equal(response.task.measures.length, 10);
  assert.equal(response.task.measures[1].name, `${plan}/measures/a1-t3-m2`);
  await assert.rejects(call(registry(), 'GetTask', { name: `${plan}/tasks/a9-t99` }), { code: grpc.status.NOT_FOUND });
});

test('WatchEvents from 0 streams the PlanImported event', async () => {
  const stream = registry().WatchEvents({ after_sequence: 0 }, { deadline: new Date(Date.now() + kDeadlineMs) });
  const event = await new Promise((resolvePromise, reject) => {
    stream.on('data', (r) => { resolvePromise(r.event); stream.cancel(); });
    stream.on('error', (e) => { if (e.code !== grpc.status.CANCELLED) reject(e); });
  });
  assert.equal(event.sequence, '1');
  assert.equal(event.type, 'ecoplan.registry.v1.PlanImported');
  assert.equal(event.source, 'ecoplan.registry.v1.RegistryService');
  assert.equal(event.payload.type_url, 'type.googleapis.com/ecoplan.registry.v1.PlanImported');
  // PlanImported.plan is field 1, a string: its UTF-8 bytes are in the payload.
  assert.ok(Buffer.from(event.payload.value).includes(Buffer.from(plan)), 'the payload names the plan');
});

test('AdminService backups through the API (when the server has --backup_dir)', async (t) => {
  if (!serverFlags.includes('backup_dir')) {
    t.skip('this registry_server has no --backup_dir flag yet');
    return;
  }
  const admin = client(ecoplan.admin.v1.AdminService);
  const created = await call(admin, 'CreateBackup', { keep_last: 7 });
  assert.match(created.backup.name, /^backups\//);
  assert.ok(Number(created.backup.last_event_sequence) >= 1);
  const listed = await call(admin, 'ListBackups', {});
  assert.equal(listed.backups[0].name, created.backup.name);
});

test('SIGTERM stops the server gracefully (exit 0)', async () => {
  const result = await stopServer();
  assert.deepEqual(result, { code: 0, signal: null }, serverLog.slice(-2000));
});
