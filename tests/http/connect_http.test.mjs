// The HTTP front door (issue 12) as an independent client sees it: an
// off-the-shelf Connect client — @connectrpc/connect with
// @connectrpc/connect-node, over code that @bufbuild/protoc-gen-es generates
// from proto/ at test time through `buf generate` (buf.gen.yaml) — against the
// real registry_server, progress_server, indicator_server and
// notification_server, started on 127.0.0.1 with free gRPC and HTTP ports,
// wired to each other as in production and with production authentication
// (ES256 tokens through a JWKS file; tests/http/harness.mjs). For every service:
// a read, a write retried with the same request_id (same answer, one change in
// the event log), an error with its Connect code and HTTP status, the event
// stream as Connect server streaming and as Server-Sent Events resumed with
// Last-Event-ID (no gap, no repeat), over HTTP/1.1 and HTTP/2, JSON and binary;
// the RPC × role walk for a sample of calls of each service; bad input
// (malformed JSON, unknown field, wrong type, wrong Content-Type, unknown
// method, oversized body, bad token) answered with its status and code, and
// writing nothing, and audited one record per call as its gRPC twin; each
// server's /openapi.json lists every method of the generated client and
// every unary route it lists is routed.
//
//   node --test tests/http/
//
// Environment: as tests/http/harness.mjs.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import http, { createServer } from 'node:http';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { create, createRegistry, fromBinary, fromJson, toBinary, toJson } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { Code, ConnectError, createClient } from '@connectrpc/connect';
import { Http2SessionManager, createConnectTransport } from '@connectrpc/connect-node';
import {
  Servers, connectPost, generateClientCode, kDeadlineMs, rawRequest, readSse, seedPath, serviceNames,
} from './harness.mjs';

const servers = new Servers('ecoplan-http-connect-');
let gen;            // the generated modules
let typeRegistry;   // every message type, for google.protobuf.Any in JSON
const sessions = [];  // HTTP/2 session managers, closed at the end
const agents = [];    // HTTP/1.1 agents, destroyed at the end

// The four ways a Connect client speaks to the front door.
const variants = [
  { name: 'HTTP/1.1 JSON', httpVersion: '1.1', useBinaryFormat: false },
  { name: 'HTTP/1.1 binary', httpVersion: '1.1', useBinaryFormat: true },
  { name: 'HTTP/2 JSON', httpVersion: '2', useBinaryFormat: false },
  { name: 'HTTP/2 binary', httpVersion: '2', useBinaryFormat: true },
];

const tokens = {};  // role name → token
const orgs = {};    // written name → organizations/o-…
let plan;           // plans/…

before(async () => {
  gen = await generateClientCode(join(servers.workDir, 'client-code'));
  typeRegistry = createRegistry(
    gen.registry.file_ecoplan_registry_v1_registry_service, gen.progress.file_ecoplan_progress_v1_progress_service,
    gen.indicator.file_ecoplan_indicator_v1_indicator_service,
    gen.notification.file_ecoplan_notification_v1_notification_service, gen.admin.file_ecoplan_admin_v1_admin_service);
  tokens.bureau = servers.keys.mint({ subject: 'bureau-admin', role: 'administrator' });
  await servers.startAll();
});

after(async () => {
  for (const s of sessions) s.abort();
  for (const a of agents) a.destroy();
  await servers.stopAll();
  servers.cleanUp();
});

// --- clients -----------------------------------------------------------------------

const serviceDesc = (name) => ({
  registry: gen.registry.RegistryService, progress: gen.progress.ProgressService,
  indicator: gen.indicator.IndicatorService, notification: gen.notification.NotificationService,
}[name]);

// A Connect client of `name` with `token` (none: no Authorization header).
// `seen` collects the HTTP method of each unary request.
function client(name, token, variant, { useHttpGet = false, seen } = {}) {
  const baseUrl = servers.base(name);
  const options = {
    baseUrl, httpVersion: variant.httpVersion, useBinaryFormat: variant.useBinaryFormat, useHttpGet,
    jsonOptions: { registry: typeRegistry }, defaultTimeoutMs: kDeadlineMs,
    interceptors: [(next) => async (req) => {
      if (token) req.header.set('Authorization', `Bearer ${token}`);
      return next(req);
    }],
  };
  // The HTTP method each request went out with, as the transport sent it.
  if (variant.httpVersion === '2') {
    const manager = new Http2SessionManager(baseUrl);
    sessions.push(manager);
    const request = manager.request.bind(manager);
    manager.request = (httpMethod, ...rest) => { seen?.push(httpMethod); return request(httpMethod, ...rest); };
    options.sessionManager = manager;
  } else {
    const agent = new http.Agent({ keepAlive: true });
    agents.push(agent);
    const addRequest = agent.addRequest.bind(agent);
    agent.addRequest = (req, ...rest) => { seen?.push(req.method); return addRequest(req, ...rest); };
    options.nodeOptions = { agent };
  }
  return createClient(serviceDesc(name), createConnectTransport(options));
}

const method = (name, rpc) => {
  const m = serviceDesc(name).methods.find((x) => x.name === rpc);
  assert.ok(m, `${serviceNames[name]}/${rpc} in the generated code`);
  return m;
};

// A unary call from its request in the protobuf JSON mapping.
function call(c, name, rpc, json) {
  const m = method(name, rpc);
  return c[m.localName](fromJson(m.input, json, { registry: typeRegistry }));
}

const asJson = (name, rpc, message) => toJson(method(name, rpc).output, message, { registry: typeRegistry });

// The error code of a call (Code.* or 0 for OK).
async function codeOf(promise) {
  try {
    await promise;
    return 0;
  } catch (e) {
    return ConnectError.from(e).code;
  }
}

// Reads a server stream until `enough(messages)` holds, then cancels it.
// Resolves the messages; a stream that ends with an error rejects.
async function readStream(c, name, rpc, json, enough) {
  const m = method(name, rpc);
  const controller = new AbortController();
  const messages = [];
  try {
    for await (const message of c[m.localName](fromJson(m.input, json, { registry: typeRegistry }),
      { signal: controller.signal, timeoutMs: kDeadlineMs })) {
      messages.push(message);
      if (enough(messages)) { controller.abort(); break; }
    }
  } catch (e) {
    if (!(controller.signal.aborted && ConnectError.from(e).code === Code.Canceled)) throw e;
  }
  return messages;
}

// The first message or the error code of a server stream.
async function firstOfStream(c, name, rpc, json) {
  try {
    await readStream(c, name, rpc, json, (m) => m.length >= 1);
    return 0;
  } catch (e) {
    return ConnectError.from(e).code;
  }
}

// The event log of `name` (WatchEvents from the start) up to and including the
// first event `last` accepts.
function eventsUntil(name, last, variant = variants[0]) {
  return readStream(client(name, tokens.bureau, variant), name, 'WatchEvents', {},
    (messages) => last(messages[messages.length - 1].event));
}

// Retries while a follower is still catching up (UNAVAILABLE, NOT_FOUND, FAILED_PRECONDITION).
async function eventually(what, attempt) {
  let last;
  return servers.waitFor(async () => {
    try {
      return await attempt();
    } catch (e) {
      last = e;
      if (![Code.Unavailable, Code.NotFound, Code.FailedPrecondition].includes(ConnectError.from(e).code)) throw e;
      return null;
    }
  }, `${what} (last: ${last?.message})`);
}

const connectCodeName = (code) => Code[code].replace(/[A-Z]/g, (c, i) => (i ? '_' : '') + c.toLowerCase());
const idBase = randomBytes(4).toString('hex');
let counter = 0;
const nextId = (what) => `http-${what}-${idBase}-${++counter}`;

// --- the requests the tests make ----------------------------------------------------

const transportMeasure = () => `${plan}/measures/a1-t3-m2`;

function reportRequest(organization, period, requestId) {
  return {
    parent: plan, organization, period, requestId,
    entries: [{ measure: transportMeasure(), status: 'MEASURE_STATUS_IN_PROGRESS', percentDone: 40,
      workDone: '推广新能源车辆', nextSteps: '继续推进', values: [{ name: '新能源车辆', value: 120, unit: '辆' }] }],
  };
}

function taskRequest(requestId, title = '督办：道路扬尘') {
  return { parent: plan, title, measures: [{ text: '对重点道路开展扬尘专项检查', deadline: { raw: '6月底前' },
    leadOrganizations: [{ writtenName: '区城管委' }] }], requestId };
}

function indicatorRequest(id, requestId) {
  return { parent: plan, indicatorId: id, reason: '行动计划未列出的考核指标', requestId, indicator: {
    displayName: '新能源公交车占比', unit: '%', scopeKind: 'SCOPE_KIND_DISTRICT', comparator: 'COMPARATOR_AT_LEAST',
    targetValue: 80, targetText: '达到80%', periodStart: { year: 2026, month: 1, day: 1 },
    periodEnd: { year: 2026, month: 12, day: 31 }, aggregation: 'AGGREGATION_LATEST_VALUE', source: 'SOURCE_KIND_REPORTED' } };
}

let hookPort = 0;
const subscriptionRequest = (requestId, description = 'HTTP test receiver') => ({
  subscription: { url: `http://127.0.0.1:${hookPort}/hook`, description },
  secret: `whsec_${Buffer.alloc(32, 7).toString('base64')}`, requestId });

// --- the tests (in order: they share the servers) -------------------------------------

test('the bureau imports the seed plan over Connect; organizations resolve; tokens are minted per role', async () => {
  const registry = client('registry', tokens.bureau, variants[0]);
  const response = await call(registry, 'registry', 'ImportPlan', {
    documentText: readFileSync(seedPath, 'utf8'), requestId: nextId('import') });
  plan = response.plan.name;
  assert.match(plan, /^plans\/2026-[0-9a-f]{12}$/);
  for (const name of ['区交通局', '区发改委', '区城指中心', '区生态环境局', '永定镇']) {
    const resolved = await call(registry, 'registry', 'ResolveOrganization', { writtenName: name });
    assert.equal(resolved.organizations.length, 1, name);
    orgs[name] = resolved.organizations[0].name;
    assert.match(orgs[name], /^organizations\/o-/);
  }
  tokens.transport = servers.keys.mint({ subject: 'transport-reporter', role: 'reporter', org: orgs['区交通局'] });
  tokens.otherReporter = servers.keys.mint({ subject: 'ndrc-reporter', role: 'reporter', org: orgs['区发改委'] });
  tokens.town = servers.keys.mint({ subject: 'yongding-reporter', role: 'reporter', org: orgs['永定镇'] });
  tokens.viewer = servers.keys.mint({ subject: 'command-center', role: 'viewer', org: orgs['区城指中心'] });
  tokens.supervisor = servers.keys.mint({ subject: 'supervision-office', role: 'supervisor' });
});

test('reads: every service answers a read over HTTP/1.1 and HTTP/2, JSON and binary, POST and GET', async () => {
  for (const variant of variants) {
    for (const useHttpGet of [false, true]) {
      const seen = [];
      const what = `${variant.name}${useHttpGet ? ' GET' : ''}`;
      // Registry: the measures 区交通局 leads.
      const registry = client('registry', tokens.transport, variant, { useHttpGet, seen });
      const measures = await call(registry, 'registry', 'ListMeasures', {
        parent: plan, filter: { organization: '区交通局', role: 'ORG_ROLE_LEAD' }, pageSize: 1000 });
      assert.ok(measures.measures.length > 0, what);
      assert.equal(measures.totalSize, measures.measures.length, what);
      for (const m of measures.measures) {
        assert.ok(m.leadOrganizations.some((o) => o.target.value === orgs['区交通局'] || o.members.includes(orgs['区交通局'])),
          `${what}: ${m.name} led by 区交通局, not only ${m.leadOrganizations.map((o) => o.writtenName)}`);
      }
      // Progress: the reporting calendar of the plan (once it followed the registry).
      const progress = client('progress', tokens.viewer, variant, { useHttpGet, seen });
      const status = await eventually('the progress service to know the plan',
        () => call(progress, 'progress', 'GetSubmissionStatus', { plan, period: '2026-04' }));
      assert.equal(status.period, '2026-04', what);
      assert.deepEqual([status.due.dueDate.year, status.due.dueDate.month, status.due.dueDate.day], [2026, 4, 25], what);
      assert.ok(status.organizations.some((o) => o.organization === orgs['区交通局']), what);
      // Indicator: the plan's indicators.
      const indicator = client('indicator', tokens.town, variant, { useHttpGet, seen });
      const list = await eventually('the indicator service to build the plan\'s indicators', async () => {
        const r = await call(indicator, 'indicator', 'ListIndicators', { parent: plan, pageSize: 1000 });
        return r.indicators.length > 0 ? r : null;
      });
      const pm25 = list.indicators.find((i) => i.name === `${plan}/indicators/a4-pm25`);
      assert.ok(pm25, what);
      assert.equal(pm25.targetValue, 27, what);
      // Notification: the default rules.
      const notification = client('notification', tokens.viewer, variant, { useHttpGet, seen });
      const rules = await call(notification, 'notification', 'ListRules', {});
      const overdue = rules.rules.find((r) => r.name === 'rules/report-overdue');
      assert.equal(overdue?.severity, gen.notification.Severity.CRITICAL, what);
      // Every one of these methods is NO_SIDE_EFFECTS: the client used GET when asked to.
      assert.ok(seen.length >= 4, what);
      assert.deepEqual([...new Set(seen)], [useHttpGet ? 'GET' : 'POST'], what);
    }
  }
});

test('reads: the Connect GET form by hand (encoding=json, and base64=1 with binary)', async () => {
  const message = JSON.stringify({ writtenName: '区交通局' });
  for (const useHttp2 of [false, true]) {
    const json = await rawRequest(servers.base('registry'), { method: 'GET', http2: useHttp2,
      path: `/${serviceNames.registry}/ResolveOrganization?connect=v1&encoding=json&message=${encodeURIComponent(message)}`,
      headers: { authorization: `Bearer ${tokens.viewer}` } });
    assert.equal(json.status, 200, json.text);
    assert.match(json.headers['content-type'], /^application\/json/);
    assert.equal(json.json.organizations[0].name, orgs['区交通局']);
    const m = method('registry', 'ResolveOrganization');
    const bytes = toBinary(m.input, create(m.input, { writtenName: '区交通局' }));
    const binary = await rawRequest(servers.base('registry'), { method: 'GET', http2: useHttp2,
      path: `/${serviceNames.registry}/ResolveOrganization?connect=v1&encoding=proto&base64=1&message=${Buffer.from(bytes).toString('base64url')}`,
      headers: { authorization: `Bearer ${tokens.viewer}` } });
    assert.equal(binary.status, 200, binary.text);
    assert.match(binary.headers['content-type'], /^application\/proto/);
    assert.equal(fromBinary(m.output, binary.bytes).organizations[0].name, orgs['区交通局']);
  }
});

test('errors: an unknown resource is not_found for the client and 404 with Connect\'s error body over HTTP', async () => {
  const cases = {
    registry: ['GetMeasure', () => ({ name: `${plan}/measures/a9-t99-m9` }), tokens.viewer],
    progress: ['GetReport', () => ({ name: `${plan}/reports/${orgs['区交通局'].split('/').pop()}_2026-01` }), tokens.bureau],
    indicator: ['GetIndicator', () => ({ name: `${plan}/indicators/no-such-indicator` }), tokens.viewer],
    notification: ['GetRule', () => ({ name: 'rules/no-such-rule' }), tokens.viewer],
  };
  for (const [name, [rpc, request, token]] of Object.entries(cases)) {
    for (const variant of variants) {
      for (const useHttpGet of [false, true]) {
        const error = await call(client(name, token, variant, { useHttpGet }), name, rpc, request())
          .then(() => null, (e) => ConnectError.from(e));
        assert.ok(error, `${name}/${rpc} over ${variant.name} answered`);
        assert.equal(error.code, Code.NotFound, `${name}/${rpc} over ${variant.name}: ${error.message}`);
        assert.ok(error.rawMessage.length > 0, `${name}/${rpc}: a message`);
      }
    }
    for (const useHttp2 of [false, true]) {
      const r = await connectPost(servers.base(name), serviceNames[name], rpc, request(), { token, http2: useHttp2 });
      assert.equal(r.status, 404, `${name}/${rpc}: ${r.text}`);
      assert.match(r.headers['content-type'], /^application\/json/);
      assert.equal(r.json?.code, 'not_found', r.text);
      assert.equal(typeof r.json.message, 'string');
    }
  }
});

test('writes: a retry with the same request_id answers the same and changes the event log once, for every service', async () => {
  const receiver = createServer((req, res) => { req.resume(); req.on('end', () => res.writeHead(204).end()); });
  await new Promise((r) => receiver.listen(0, '127.0.0.1', r));
  hookPort = receiver.address().port;
  try {
    const transportId = orgs['区交通局'];
    const cases = {
      registry: [tokens.viewer, 'CreateSupervisionTask', (id) => taskRequest(id)],
      progress: [tokens.transport, 'SubmitReport', (id) => reportRequest(transportId, id.endsWith('-marker') ? '2026-03' : '2026-04', id)],
      indicator: [tokens.bureau, 'CreateIndicator', (id) => indicatorRequest(id.endsWith('-marker') ? 'http-marker' : 'http-created', id)],
      notification: [tokens.viewer, 'CreateSubscription', (id) => subscriptionRequest(id, id.endsWith('-marker') ? 'marker' : 'HTTP test receiver')],
    };
    let v = 0;
    for (const [name, [token, rpc, request]] of Object.entries(cases)) {
      // The first call and its retry over different transports: the answer is the same.
      const first = variants[v++ % variants.length];
      const second = variants[v % variants.length];
      const id = nextId(`write-${name}`);
      const answer = await eventually(`${name} to accept ${rpc}`,
        () => call(client(name, token, first), name, rpc, request(id)));
      const retried = await call(client(name, token, second), name, rpc, request(id));
      assert.deepEqual(asJson(name, rpc, retried), asJson(name, rpc, answer), `${name}/${rpc}: the retry answers the first result`);
      // A second write marks the end of what to read back.
      const marker = `${id}-marker`;
      await call(client(name, token, first), name, rpc, request(marker));
      const events = await eventsUntil(name, (e) => e.requestId === marker, second);
      const changes = events.filter((m) => m.event.requestId === id);
      assert.equal(changes.length, 1, `${name}/${rpc}: one change for ${id}: ${changes.map((m) => m.event.type)}`);
      assert.equal(changes[0].event.actor, { [tokens.viewer]: 'command-center', [tokens.transport]: 'transport-reporter', [tokens.bureau]: 'bureau-admin' }[token]);
    }
  } finally {
    receiver.closeAllConnections();
    await new Promise((r) => receiver.close(r));
  }
});

// More writes, so that every service's event log holds enough events to
// stream, disconnect and resume (each of these appends at least one).
test('writes: four more per service, over every transport', async () => {
  const writers = {
    registry: [tokens.viewer, 'CreateSupervisionTask', (id) => taskRequest(id, '督办：渣土车遗撒')],
    progress: [tokens.bureau, 'IssueSupervisionOrder', (id) => ({
      parent: plan, title: '关于老旧车辆淘汰进度的督办', description: '请说明进展并按期回复',
      source: { kind: 'SUPERVISION_SOURCE_KIND_REVIEW_MEETING', reference: '5月点评会第3项' },
      level: 'SUPERVISION_LEVEL_YELLOW', measures: [transportMeasure()], organizations: [orgs['区交通局']], requestId: id })],
    indicator: [tokens.bureau, 'CreateIndicator', (id) => indicatorRequest(`fill-${id.split('-').pop()}`, id)],
    notification: [tokens.viewer, 'CreateSubscription', (id) => subscriptionRequest(id, 'fill')],
  };
  for (const [name, [token, rpc, request]] of Object.entries(writers)) {
    for (const variant of variants) {
      const id = nextId(`fill-${name}`);
      await call(client(name, token, variant), name, rpc, request(id));
      const events = await eventsUntil(name, (e) => e.requestId === id, variant);
      assert.ok(events.length >= 2, `${name}: ${events.length} events`);
    }
  }
});

test('streams: WatchEvents as Connect server streaming over every transport gives the event log in order', async () => {
  for (const name of Object.keys(serviceNames)) {
    let reference;
    for (const variant of variants) {
      const messages = await readStream(client(name, tokens.bureau, variant), name, 'WatchEvents', {}, (m) => m.length >= 3);
      const sequences = messages.map((m) => Number(m.event.sequence));
      assert.deepEqual(sequences, [1, 2, 3], `${name} over ${variant.name}`);
      for (const m of messages) assert.equal(m.event.source, serviceNames[name]);
      // The payload (google.protobuf.Any) arrives whole in JSON and in binary.
      const events = messages.map((m) => toJson(gen.event.EventSchema, m.event, { registry: typeRegistry }));
      reference ??= events;
      assert.deepEqual(events, reference, `${name} over ${variant.name}: the same events`);
      // Resumed after the second: the third, nothing before.
      const resumed = await readStream(client(name, tokens.bureau, variant), name, 'WatchEvents', { afterSequence: '2' }, (m) => m.length >= 1);
      assert.equal(Number(resumed[0].event.sequence), 3);
    }
  }
  // The command center's stream of notifications.
  for (const variant of variants) {
    const messages = await readStream(client('notification', tokens.viewer, variant), 'notification', 'StreamNotifications',
      { afterSequence: '0' }, (m) => m.length >= 2);
    assert.deepEqual(messages.map((m) => Number(m.event.sequence)), [1, 2], variant.name);
  }
});

test('streams: Server-Sent Events resume with Last-Event-ID with no gap and no repeat (HTTP/1.1 and HTTP/2)', async () => {
  for (const [name, rpc, token] of [['registry', 'WatchEvents', tokens.viewer], ['progress', 'WatchEvents', tokens.viewer],
    ['indicator', 'WatchEvents', tokens.viewer], ['notification', 'WatchEvents', tokens.viewer],
    ['notification', 'StreamNotifications', tokens.viewer]]) {
    // The reference: the first five events of the log through the Connect client.
    const reference = (await readStream(client(name, tokens.bureau, variants[0]), name, 'WatchEvents', {}, (m) => m.length >= 5))
      .map((m) => toJson(gen.event.EventSchema, m.event, { registry: typeRegistry }));
    for (const useHttp2 of [false, true]) {
      const what = `${name}/${rpc} SSE over ${useHttp2 ? 'HTTP/2' : 'HTTP/1.1'}`;
      const path = `/${serviceNames[name]}/${rpc}`;
      const headers = { authorization: `Bearer ${token}` };
      const first = await readSse(servers.base(name), path, { headers, http2: useHttp2, enough: (e) => e.length >= 2 });
      assert.equal(first.status, 200, `${what}: ${first.text}`);
      assert.match(first.contentType, /^text\/event-stream/, what);
      assert.equal(first.events.length, 2, what);
      const lastId = first.events[1].id;
      const second = await readSse(servers.base(name), path, { headers: { ...headers, 'last-event-id': lastId },
        http2: useHttp2, enough: (e) => e.length >= 3 });
      assert.equal(second.status, 200, `${what} resumed: ${second.text}`);
      const events = [...first.events, ...second.events];
      for (const e of events) {
        const data = JSON.parse(e.data);
        assert.equal(e.id, data.event.sequence, `${what}: the id is the event's sequence`);
        assert.equal(data.event.source, serviceNames[name], what);
        assert.ok(data.event.payload?.['@type'], `${what}: the payload with its type`);
      }
      assert.deepEqual(events.map((e) => Number(e.id)), [1, 2, 3, 4, 5], `${what}: no gap, no repeat`);
      assert.deepEqual(events.map((e) => JSON.parse(e.data).event), reference, `${what}: the events of the log`);
      // The request may also come as ?message=: after_sequence 3 starts at 4.
      const query = await readSse(servers.base(name), `${path}?message=${encodeURIComponent(JSON.stringify({ afterSequence: '3' }))}`,
        { headers, http2: useHttp2, enough: (e) => e.length >= 1 });
      assert.equal(query.status, 200, `${what} ?message=: ${query.text}`);
      assert.equal(query.events[0].id, '4', `${what} ?message=`);
    }
  }
});

test('openapi: each server serves its document, listing every method of the generated client, and routes every unary route it lists (no 404)', async () => {
  for (const name of Object.keys(serviceNames)) {
    for (const useHttp2 of [false, true]) {
      const r = await rawRequest(servers.base(name), { method: 'GET', path: '/openapi.json', http2: useHttp2 });
      assert.equal(r.status, 200, `${name}: ${r.text.slice(0, 200)}`);
      assert.match(r.headers['content-type'], /^application\/json/);
      assert.match(r.json.openapi, /^3\./);
      // Unary and server-streaming methods are reachable over HTTP (a client
      // stream such as IngestObservations is gRPC only).
      for (const m of serviceDesc(name).methods.filter((x) => ['unary', 'server_streaming'].includes(x.methodKind))) {
        const item = r.json.paths[`/${serviceNames[name]}/${m.name}`];
        assert.ok(item?.post, `${name}: POST /${serviceNames[name]}/${m.name} in /openapi.json`);
      }
      if (useHttp2) continue;
      // Every unary Connect route of the document reaches its method: without a
      // token it is refused by the method (401, or 400 where a handler checks the
      // request before the caller), never an unknown route (404, unimplemented).
      const unrouted = [];
      for (const [path, item] of Object.entries(r.json.paths)) {
        if (!item.post?.requestBody?.content?.['application/json'] || !/^\/[a-z0-9.]+\.[A-Za-z]+\/[A-Za-z]+$/.test(path)) continue;
        const answer = await rawRequest(servers.base(name), { path, body: '{}', headers: { 'content-type': 'application/json' } });
        if (![401, 400].includes(answer.status) || answer.json?.code === 'unimplemented') unrouted.push(`${path}: ${answer.status} ${answer.text.slice(0, 120)}`);
      }
      assert.deepEqual(unrouted, [], `${name}: routes of /openapi.json`);
    }
  }
});

// --- the RPC × role walk ---------------------------------------------------------------

// A sample of calls per service: [service, rpc, request builder, roles allowed]
// (docs/SECURITY.md "RPC × role"; "transport" is the reporter of the organization
// the request names, "otherReporter" one of another). Streams are read through
// the Connect client.
function walkCalls() {
  const transportId = orgs['区交通局'];
  return [
    ['registry', 'ListMeasures', () => ({ parent: plan, pageSize: 5 }), ['bureau', 'transport', 'otherReporter', 'viewer', 'supervisor']],
    ['registry', 'ImportPlan', () => ({ documentText: readFileSync(seedPath, 'utf8'), validateOnly: true }), ['bureau']],
    ['registry', 'CreateSupervisionTask', () => taskRequest(nextId('walk-task')), ['bureau', 'viewer']],
    ['registry', 'UpdateMeasure', () => ({ measure: { name: transportMeasure() }, updateMask: 'deadline', etag: 'stale', reason: '测试' }), ['bureau']],
    ['registry', 'WatchEvents', () => ({}), ['bureau', 'viewer'], 'stream'],
    ['progress', 'GetSubmissionStatus', () => ({ plan, period: '2026-04' }), ['bureau', 'viewer', 'supervisor']],
    ['progress', 'SubmitReport', () => reportRequest(transportId, '2026-02', nextId('walk-report')), ['bureau', 'transport']],
    ['progress', 'AcceptReport', () => ({ name: `${plan}/reports/${transportId.split('/').pop()}_2026-01` }), ['bureau']],
    ['progress', 'WatchEvents', () => ({}), ['bureau', 'viewer', 'supervisor'], 'stream'],
    ['indicator', 'ListIndicators', () => ({ parent: plan, pageSize: 5 }), ['bureau', 'transport', 'otherReporter', 'viewer']],
    ['indicator', 'CreateIndicator', () => indicatorRequest(`walk-${++counter}`, nextId('walk-indicator')), ['bureau']],
    ['indicator', 'RecordEvaluation', () => ({ plan, asOf: { year: 2026, month: 4, day: 30 } }), ['bureau']],
    ['indicator', 'WatchEvents', () => ({}), ['bureau', 'viewer'], 'stream'],
    ['notification', 'ListRules', () => ({}), ['bureau', 'transport', 'otherReporter', 'viewer']],
    ['notification', 'CreateRule', () => ({ rule: { name: 'rules/walk' } }), ['bureau']],
    ['notification', 'CreateSubscription', () => subscriptionRequest(nextId('walk-subscription')), ['bureau', 'viewer']],
    ['notification', 'StreamNotifications', () => ({ afterSequence: '0' }), ['bureau', 'viewer'], 'stream'],
  ];
}

test('the RPC × role walk over HTTP: allowed roles pass, refused ones are permission_denied (403), no token unauthenticated (401)', async () => {
  const roles = ['bureau', 'transport', 'otherReporter', 'viewer', 'supervisor'];
  const problems = [];
  let v = 0;
  for (const [name, rpc, request, allowed, kind] of walkCalls()) {
    for (const role of [...roles, 'none']) {
      const token = role === 'none' ? undefined : tokens[role];
      const variant = variants[v++ % variants.length];
      const c = client(name, token, variant);
      const code = kind === 'stream' ? await firstOfStream(c, name, rpc, request())
        : await codeOf(call(c, name, rpc, request()));
      const expected = role === 'none' ? Code.Unauthenticated
        : (allowed.includes(role) ? 'allowed' : Code.PermissionDenied);
      const label = `${name}/${rpc} as ${role} over ${variant.name}: ${code ? Code[code] : 'OK'}`;
      if (expected === 'allowed') {
        if ([Code.PermissionDenied, Code.Unauthenticated].includes(code)) problems.push(`${label}, expected allowed`);
      } else if (code !== expected) {
        problems.push(`${label}, expected ${Code[expected]}`);
      }
      if (kind === 'stream' || expected === 'allowed') continue;
      // The same refusal over plain HTTP: Connect's status and error body.
      const r = await connectPost(servers.base(name), serviceNames[name], rpc, toJson(method(name, rpc).input,
        fromJson(method(name, rpc).input, request(), { registry: typeRegistry }), { registry: typeRegistry }),
      { token, http2: v % 2 === 0 });
      const status = expected === Code.Unauthenticated ? 401 : 403;
      if (r.status !== status || r.json?.code !== connectCodeName(expected)) {
        problems.push(`${name}/${rpc} as ${role} over HTTP: ${r.status} ${r.text.slice(0, 200)}, expected ${status} ${connectCodeName(expected)}`);
      }
    }
  }
  assert.deepEqual(problems, []);
});

// What an EventSource or curl sees when the stream is refused before its first
// event: the HTTP status of the code and Connect's error body, not 200 and an
// error event.
test('streams: the SSE form refuses without a token (401) and a role the table refuses (403)', async () => {
  const path = `/${serviceNames.registry}/WatchEvents`;
  const problems = [];
  for (const useHttp2 of [false, true]) {
    for (const [who, token, status, code] of [['no token', null, 401, 'unauthenticated'],
      ['a reporter', tokens.transport, 403, 'permission_denied']]) {
      const what = `SSE ${path} with ${who} over ${useHttp2 ? 'HTTP/2' : 'HTTP/1.1'}`;
      const r = await readSse(servers.base('registry'), path, { http2: useHttp2,
        headers: token ? { authorization: `Bearer ${token}` } : {}, enough: (e) => e.length >= 1 });
      let body = {};
      try { body = JSON.parse(r.text); } catch { /* not JSON: reported below */ }
      if (r.status !== status || !/^application\/json/.test(r.contentType) || body.code !== code) {
        problems.push(`${what}: HTTP ${r.status} ${r.contentType} ${r.text}${JSON.stringify(r.events)}, expected ${status} ${code}`);
      }
    }
  }
  assert.deepEqual(problems, []);
});

// --- bad input ------------------------------------------------------------------------

test('bad input: each answered with its status and Connect code, and none of it writes anything', async () => {
  const transportId = orgs['区交通局'];
  const cases = {
    registry: ['CreateSupervisionTask', tokens.bureau, (id) => taskRequest(id)],
    progress: ['SubmitReport', tokens.bureau, (id) => reportRequest(transportId, '2026-05', id)],
    indicator: ['CreateIndicator', tokens.bureau, (id) => indicatorRequest(`bad-${id.slice(-6)}`, id)],
    notification: ['CreateSubscription', tokens.bureau, (id) => subscriptionRequest(id, 'bad input')],
  };
  const expired = servers.keys.mint({ subject: 'bureau-admin', role: 'administrator', extra: {
    iat: Math.floor(Date.now() / 1000) - 7200, exp: Math.floor(Date.now() / 1000) - 3600 } });
  for (const [name, [rpc, token, request]] of Object.entries(cases)) {
    const base = servers.base(name);
    const path = `/${serviceNames[name]}/${rpc}`;
    const since = new Date();  // the servers' clock is this machine's
    for (const useHttp2 of [false, true]) {
      const send = (body, headers = {}, t = token) => rawRequest(base, { path, http2: useHttp2, body,
        headers: { 'content-type': 'application/json', 'connect-protocol-version': '1',
          ...(t ? { authorization: `Bearer ${t}` } : {}), ...headers } });
      const valid = (what) => ({ ...request(`bad-input-${what}-${idBase}`) });
      const checks = [
        ['malformed JSON', () => send(JSON.stringify(valid('malformed')).slice(0, -5)), 400, 'invalid_argument'],
        ['an unknown field', () => send(JSON.stringify({ ...valid('unknown'), noSuchField: 1 })), 400, 'invalid_argument', /noSuchField|no_such_field/],
        ['a wrong type', () => send(JSON.stringify({ ...valid('type'), requestId: { not: 'a string' } })), 400, 'invalid_argument'],
        ['a wrong Content-Type', () => send(JSON.stringify(valid('content-type')), { 'content-type': 'text/plain' }), 415],
        ['an unknown method', () => rawRequest(base, { path: `/${serviceNames[name]}/NoSuchMethod`, http2: useHttp2,
          body: JSON.stringify(valid('method')), headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` } }),
        404, 'unimplemented'],
        ['an oversized body', () => send(JSON.stringify({ ...valid('oversized'), padding: 'x'.repeat((8 << 20) + 1024) })), 413, 'resource_exhausted'],
        ['a bad token', () => send(JSON.stringify(valid('bad-token')), {}, 'not.a.token'), 401, 'unauthenticated'],
        ['an expired token', () => send(JSON.stringify(valid('expired')), {}, expired), 401, 'unauthenticated', /expired/],
        ['no token', () => send(JSON.stringify(valid('no-token')), {}, null), 401, 'unauthenticated'],
      ];
      for (const [what, attempt, status, code, message] of checks) {
        const label = `${name}/${rpc} with ${what} over ${useHttp2 ? 'HTTP/2' : 'HTTP/1.1'}`;
        const r = await attempt();
        assert.equal(r.status, status, `${label}: ${r.text.slice(0, 300)}`);
        if (code) {
          assert.equal(r.json?.code, code, `${label}: ${r.text.slice(0, 300)}`);
          assert.ok(r.json.message?.length > 0, `${label}: a message naming the problem`);
          if (message) assert.match(r.json.message, message, label);
        }
      }
    }
    // Read back: a good write marks the end; nothing before it carries a bad-input request id.
    const marker = nextId(`bad-input-marker-${name}`);
    await call(client(name, token, variants[3]), name, rpc, request(marker));
    const events = await eventsUntil(name, (e) => e.requestId === marker);
    const written = events.filter((m) => m.event.requestId.startsWith('bad-input-'));
    assert.deepEqual(written.map((m) => `${m.event.type} ${m.event.requestId}`), [], `${name}: bad input wrote nothing`);
    // Audited like their gRPC twins: one record per refused call (both transports),
    // read through the AdminService over HTTP as well.
    const admin = createClient(gen.admin.AdminService, createConnectTransport({ baseUrl: base, httpVersion: '1.1',
      interceptors: [(next) => (req) => { req.header.set('Authorization', `Bearer ${tokens.bureau}`); return next(req); }] }));
    const audit = await admin.listAuditRecords({ startTime: timestampFromDate(since), oldestFirst: true, pageSize: 1000 });
    const tally = {};
    for (const r of audit.records) {
      if (r.code === 'OK') continue;  // the good writes around the bad input
      const key = `${r.method} ${r.code}`;
      tally[key] = (tally[key] ?? 0) + 1;
    }
    assert.deepEqual(tally, {
      [`${path} INVALID_ARGUMENT`]: 8,    // malformed JSON, unknown field, wrong type, wrong Content-Type
      [`${path} RESOURCE_EXHAUSTED`]: 2,  // the oversized body
      [`${path} UNAUTHENTICATED`]: 6,     // bad, expired and no token
      'unknown UNIMPLEMENTED': 2,         // the unknown method
    }, `${name}: the audit records of the bad input`);
  }
});

test('SIGTERM stops every server gracefully (exit 0)', async () => {
  for (const s of sessions) s.abort();
  const results = await servers.stopAll();
  for (const [name, result] of Object.entries(results)) {
    assert.deepEqual(result, { code: 0, signal: null }, `${name}_server\n${servers.servers[name].log.slice(-2000)}`);
  }
});
