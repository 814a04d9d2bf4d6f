// Shared by the HTTP client tests (tests/http/*.test.mjs): the client code
// generated at test time by `buf generate` (buf.gen.yaml, @bufbuild/protoc-gen-es),
// the four real servers started on 127.0.0.1 with free gRPC and HTTP ports and
// production authentication (ES256 tokens verified through a JWKS file, each
// following service signing its own calls with its own key), tokens minted
// here with node:crypto, and small raw HTTP/1.1, HTTP/2 and Server-Sent Events
// helpers for what a Connect client does not show (HTTP status, bad input).
//
// Environment: ECOPLAN_REGISTRY_SERVER, ECOPLAN_PROGRESS_SERVER,
// ECOPLAN_INDICATOR_SERVER, ECOPLAN_NOTIFICATION_SERVER (the binaries; default
// build/services/<service>/<service>_server), ECOPLAN_SEED (the plan document).

import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { createECDH, createHash, createPrivateKey, sign } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import http2 from 'node:http2';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const here = dirname(fileURLToPath(import.meta.url));
export const root = resolve(here, '../..');
const binary = (service) => resolve(process.env[`ECOPLAN_${service.toUpperCase()}_SERVER`] ??
  join(root, `build/services/${service}/${service}_server`));
export const seedPath = resolve(process.env.ECOPLAN_SEED ??
  join(root, 'seeds/mentougou_2026_beautiful_mentougou_action_plan.txt'));
export const kDeadlineMs = 30_000;
export const kIssuer = 'ecoplan-local';
export const kAudience = 'ecoplan';

export const serviceNames = {
  registry: 'ecoplan.registry.v1.RegistryService',
  progress: 'ecoplan.progress.v1.ProgressService',
  indicator: 'ecoplan.indicator.v1.IndicatorService',
  notification: 'ecoplan.notification.v1.NotificationService',
};

// --- code generation ------------------------------------------------------------

// Runs `buf generate` with the repository's buf.gen.yaml into `dir` and imports
// the generated modules. The generated files import @bufbuild/protobuf, so the
// directory gets a link to the repository's node_modules.
export async function generateClientCode(dir) {
  execFileSync(join(root, 'node_modules/.bin/buf'),
    ['generate', '--template', join(root, 'buf.gen.yaml'), '--output', dir],
    { cwd: root, stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, PATH: `${join(root, 'node_modules/.bin')}:${process.env.PATH}` } });
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir');
  const load = (path) => import(pathToFileURL(join(dir, 'gen', path)).href);
  return {
    registry: await load('ecoplan/registry/v1/registry_service_pb.js'),
    progress: await load('ecoplan/progress/v1/progress_service_pb.js'),
    indicator: await load('ecoplan/indicator/v1/indicator_service_pb.js'),
    notification: await load('ecoplan/notification/v1/notification_service_pb.js'),
    admin: await load('ecoplan/admin/v1/admin_service_pb.js'),
    common: await load('ecoplan/common/v1/types_pb.js'),
    event: await load('ecoplan/common/v1/event_pb.js'),
  };
}

// --- keys and tokens -------------------------------------------------------------

const base64url = (b) => Buffer.from(b).toString('base64url');

// A P-256 key pair, made with createECDH rather than generateKeyPairSync: in Node (20.20 here)
// the key generation job that generateKeyPairSync leaves for the garbage collector can be
// collected while a key is being exported, and its destructor then waits for the lock the export
// holds (KeyGenJob::~KeyGenJob under KeyObjectHandle::ExportJWK): a CI run hung there for good.
// No generation job exists this way.
function ecKey() {
  const ecdh = createECDH('prime256v1');
  ecdh.generateKeys();
  const point = ecdh.getPublicKey();  // 0x04 ‖ x ‖ y, 32 bytes each
  const scalar = ecdh.getPrivateKey();  // without leading zero bytes; JWK's d has all 32
  const [kty, crv] = ['EC', 'P-256'];
  const x = base64url(point.subarray(1, 33));
  const y = base64url(point.subarray(33, 65));
  const d = base64url(Buffer.concat([Buffer.alloc(32 - scalar.length), scalar]));
  const privateKey = createPrivateKey({ key: { kty, crv, x, y, d }, format: 'jwk' });
  // RFC 7638 thumbprint: the servers' default kid of a service's own key.
  const thumbprint = base64url(createHash('sha256').update(JSON.stringify({ crv, kty, x, y })).digest());
  return { privateKey, jwk: { kty, crv, x, y }, thumbprint };
}

// The issuer key (people's tokens) and one key per calling service, bound to its
// subject in the JWKS exactly as docs/SECURITY.md "Keys" says.
export class Keys {
  constructor(dir) {
    this.dir = dir;
    this.issuer = ecKey();
    this.jwksFile = join(dir, 'jwks.json');
    this.serviceKeyDir = join(dir, 'service-keys');
    mkdirSync(this.serviceKeyDir, { mode: 0o700 });
    const keys = [{ ...this.issuer.jwk, kid: 'http-test-issuer', use: 'sig', alg: 'ES256' }];
    for (const subject of ['progress', 'indicator', 'notification']) {
      const k = ecKey();
      writeFileSync(join(this.serviceKeyDir, `${subject}.pem`),
        k.privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
      keys.push({ ...k.jwk, kid: k.thumbprint, use: 'sig', alg: 'ES256', ecoplan_service_subjects: [subject] });
    }
    writeFileSync(this.jwksFile, JSON.stringify({ keys }));
  }

  serviceKeyFile(subject) { return join(this.serviceKeyDir, `${subject}.pem`); }

  // A token of `role` for `subject`; `org` (o-… or organizations/o-…) for
  // reporters and organization-bound viewers. `extra` overrides claims.
  mint({ subject, role, org, ttlSeconds = 3600, extra = {} }) {
    const now = Math.floor(Date.now() / 1000);
    const claims = { iss: kIssuer, aud: kAudience, sub: subject, role, iat: now, exp: now + ttlSeconds, ...extra };
    if (org) claims.org = org.replace(/^organizations\//, '');
    const header = { alg: 'ES256', typ: 'JWT', kid: 'http-test-issuer' };
    const signingInput = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(claims))}`;
    const signature = sign('sha256', Buffer.from(signingInput), { key: this.issuer.privateKey, dsaEncoding: 'ieee-p1363' });
    return `${signingInput}.${base64url(signature)}`;
  }
}

// --- the servers -------------------------------------------------------------------

export class Servers {
  constructor(prefix) {
    this.workDir = mkdtempSync(join(tmpdir(), prefix));
    this.keys = new Keys(this.workDir);
    this.servers = {};  // name → { process, log, grpc, http, base }
    this.onExit = () => this.killAll();
  }

  failure(what) {
    const logs = Object.entries(this.servers).map(([n, s]) => `--- ${n}\n${s.log.slice(-3000)}`).join('\n');
    return new Error(`${what}\n${logs}`);
  }

  static alive(s) { return s.process.exitCode === null && s.process.signalCode === null; }

  async waitFor(predicate, what, timeoutMs = kDeadlineMs) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await predicate();
      if (value) return value;
      for (const [name, s] of Object.entries(this.servers)) {
        if (!Servers.alive(s)) {
          throw this.failure(`${name}_server exited (${s.process.exitCode ?? s.process.signalCode}) before ${what}`);
        }
      }
      if (Date.now() > deadline) throw this.failure(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  killAll() {
    for (const s of Object.values(this.servers)) if (Servers.alive(s)) s.process.kill('SIGKILL');
  }

  async stop(name) {
    const s = this.servers[name];
    if (!Servers.alive(s)) return { code: s.process.exitCode, signal: s.process.signalCode };
    const exited = new Promise((r) => s.process.once('exit', (code, signal) => r({ code, signal })));
    s.process.kill('SIGTERM');
    const timer = setTimeout(() => { if (Servers.alive(s)) s.process.kill('SIGKILL'); }, 15_000);
    const result = await exited;
    clearTimeout(timer);
    return result;
  }

  readPort(file) {
    if (!existsSync(file)) return null;
    const text = readFileSync(file, 'utf8').trim();
    return /^\d+$/.test(text) ? Number(text) : null;
  }

  async start(name, extra) {
    const path = binary(name);
    assert.ok(existsSync(path), `no ${name}_server at ${path}; build first (scripts/build.sh) or set ECOPLAN_${name.toUpperCase()}_SERVER`);
    const portFile = join(this.workDir, `${name}.port`);
    const httpPortFile = join(this.workDir, `${name}.http_port`);
    const args = ['--host=127.0.0.1', '--port=0', `--port_file=${portFile}`,
      '--http_port=0', `--http_port_file=${httpPortFile}`,
      `--db_path=${join(this.workDir, `${name}-db`)}`, `--backup_dir=${join(this.workDir, `${name}-backups`)}`,
      `--auth_jwks_file=${this.keys.jwksFile}`,
      // The role walks and the bad-input checks refuse many calls from one address.
      '--rate_limit_per_second=0', '--refusal_limit_per_second=0', ...extra];
    if (name !== 'registry') args.push(`--service_signing_key_file=${this.keys.serviceKeyFile(name)}`);
    const child = spawn(path, args, { stdio: ['ignore', 'ignore', 'pipe'], cwd: this.workDir });
    const s = { process: child, log: '', grpc: '', http: '', base: '' };
    this.servers[name] = s;
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk) => { s.log += chunk; if (s.log.length > 1 << 20) s.log = s.log.slice(-(1 << 19)); });
    const [port, httpPort] = await this.waitFor(() => {
      const p = this.readPort(portFile);
      const h = this.readPort(httpPortFile);
      return p && h ? [p, h] : null;
    }, `the port files of ${name}_server`);
    s.grpc = `127.0.0.1:${port}`;
    s.http = `127.0.0.1:${httpPort}`;
    s.base = `http://127.0.0.1:${httpPort}`;
    return s.grpc;
  }

  // The four servers wired as in production (the followers follow over gRPC).
  async startAll() {
    process.once('exit', this.onExit);  // never leave one behind, even if the runner dies
    const registry = await this.start('registry', []);
    const progress = await this.start('progress', [`--registry_address=${registry}`, '--registry_max_backoff=200ms']);
    const indicator = await this.start('indicator', [`--registry_address=${registry}`,
      `--progress_address=${progress}`, '--registry_max_backoff=200ms', '--progress_max_backoff=200ms',
      '--evaluation_time=off', '--evaluation_debounce=0s']);
    await this.start('notification', [`--registry_address=${registry}`, `--progress_address=${progress}`,
      `--indicator_address=${indicator}`, '--schedule_interval=1s', '--webhook_allowed_networks=127.0.0.1/32']);
  }

  async stopAll() {
    const results = {};
    for (const name of ['notification', 'indicator', 'progress', 'registry']) {
      if (this.servers[name]) results[name] = await this.stop(name);
    }
    process.removeListener('exit', this.onExit);
    return results;
  }

  cleanUp() { rmSync(this.workDir, { recursive: true, force: true }); }

  base(name) { return this.servers[name].base; }
}

// --- raw HTTP ------------------------------------------------------------------------

// One request over HTTP/1.1 (node:http) or HTTP/2 with prior knowledge
// (node:http2). Resolves { status, headers, text, json }.
export function rawRequest(base, { method = 'POST', path, headers = {}, body, http2: useHttp2 = false }) {
  const payload = body === undefined ? undefined : (Buffer.isBuffer(body) ? body : Buffer.from(body));
  const finish = (status, responseHeaders, chunks) => {
    const text = Buffer.concat(chunks).toString('utf8');
    let json;
    try { json = JSON.parse(text); } catch { json = undefined; }
    return { status, headers: responseHeaders, text, json, bytes: Buffer.concat(chunks) };
  };
  if (!useHttp2) {
    return new Promise((resolvePromise, reject) => {
      const url = new URL(path, base);
      const req = http.request(url, { method, headers: {
        ...(payload ? { 'content-length': payload.length } : {}), ...headers } }, (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolvePromise(finish(res.statusCode, res.headers, chunks)));
        res.on('error', reject);
      });
      req.setTimeout(kDeadlineMs, () => req.destroy(new Error(`${method} ${path}: no answer`)));
      // A server may answer (413) before it read the whole body and close: the
      // answer counts, the write error does not.
      req.on('error', reject);
      if (payload) req.end(payload); else req.end();
    });
  }
  return new Promise((resolvePromise, reject) => {
    const session = http2.connect(base);
    session.on('error', reject);
    const req = session.request({ ':method': method, ':path': path, ...headers }, { endStream: !payload });
    const chunks = [];
    let status; let responseHeaders;
    req.on('response', (h) => { status = h[':status']; responseHeaders = h; });
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => { session.close(); resolvePromise(finish(status, responseHeaders, chunks)); });
    req.on('error', (e) => {
      session.close();
      if (status !== undefined) resolvePromise(finish(status, responseHeaders, chunks)); else reject(e);
    });
    req.setTimeout(kDeadlineMs, () => req.close(http2.constants.NGHTTP2_CANCEL));
    if (payload) req.end(payload);
  });
}

// A Connect unary call as JSON: POST /<service>/<method>.
export function connectPost(base, service, method, message, { token, http2: useHttp2 = false, headers = {} } = {}) {
  return rawRequest(base, {
    path: `/${service}/${method}`, http2: useHttp2,
    headers: { 'content-type': 'application/json', 'connect-protocol-version': '1',
      ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
    body: typeof message === 'string' ? message : JSON.stringify(message),
  });
}

// --- Server-Sent Events ------------------------------------------------------------------

// Parses text/event-stream text into events { id, event, data }; returns the
// events complete so far and the unparsed rest.
export function parseSse(text) {
  const events = [];
  const blocks = text.replace(/\r\n?/g, '\n').split('\n\n');
  const rest = blocks.pop();
  for (const block of blocks) {
    const event = { id: undefined, event: undefined, data: [], comments: [] };
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) { event.comments.push(line.slice(1).trim()); continue; }
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      let value = colon < 0 ? '' : line.slice(colon + 1);
      if (value.startsWith(' ')) value = value.slice(1);
      if (field === 'id') event.id = value;
      else if (field === 'event') event.event = value;
      else if (field === 'data') event.data.push(value);
    }
    if (event.id !== undefined || event.data.length > 0) {
      events.push({ id: event.id, event: event.event, data: event.data.join('\n') });
    }
  }
  return { events, rest };
}

// Follows an SSE stream until `enough(events)` holds, then disconnects: the
// events returned are the shortest prefix that is enough, as a client that
// stops there has processed them (the rest of a chunk is dropped).
// HTTP/1.1 through fetch, HTTP/2 through node:http2. Resolves
// { status, contentType, events, text } (text: the body when not an event stream).
export async function readSse(base, path, { headers = {}, http2: useHttp2 = false, enough }) {
  const h = { accept: 'text/event-stream', ...headers };
  if (!useHttp2) {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), kDeadlineMs);
    try {
      const res = await fetch(new URL(path, base), { headers: h, signal: controller.signal });
      const contentType = res.headers.get('content-type') ?? '';
      if (!contentType.startsWith('text/event-stream')) {
        return { status: res.status, contentType, events: [], text: await res.text() };
      }
      const decoder = new TextDecoder();
      let buffer = '';
      const events = [];
      reading: for await (const chunk of res.body) {
        buffer += decoder.decode(chunk, { stream: true });
        const parsed = parseSse(buffer);
        buffer = parsed.rest;
        for (const e of parsed.events) {
          events.push(e);
          if (enough(events)) break reading;
        }
      }
      controller.abort();
      return { status: res.status, contentType, events, text: '' };
    } finally {
      clearTimeout(timer);
    }
  }
  return new Promise((resolvePromise, reject) => {
    const session = http2.connect(base);
    session.on('error', reject);
    const req = session.request({ ':method': 'GET', ':path': path, ...h });
    const timer = setTimeout(() => { req.close(http2.constants.NGHTTP2_CANCEL); session.close(); reject(new Error(`SSE ${path}: not enough events in time`)); }, kDeadlineMs);
    let status; let contentType = '';
    let buffer = '';
    const events = [];
    let finished = false;
    const done = (result) => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      req.close(http2.constants.NGHTTP2_CANCEL);
      session.close();
      resolvePromise(result);
    };
    req.setEncoding('utf8');
    req.on('response', (headersIn) => { status = headersIn[':status']; contentType = headersIn['content-type'] ?? ''; });
    req.on('data', (chunk) => {
      if (finished) return;
      buffer += chunk;
      if (!contentType.startsWith('text/event-stream')) return;
      const parsed = parseSse(buffer);
      buffer = parsed.rest;
      for (const e of parsed.events) {
        events.push(e);
        if (enough(events)) { done({ status, contentType, events, text: '' }); return; }
      }
    });
    req.on('end', () => done({ status, contentType, events, text: contentType.startsWith('text/event-stream') ? '' : buffer }));
    req.on('error', (e) => { clearTimeout(timer); session.close(); reject(e); });
  });
}
