// Offline validation of the rendered Kubernetes manifests (no API server):
//
//  1. schema: kubernetes-models' JSON-schema validators (types, required
//     fields, enums, quantities) — `new Kind(obj).validate()`;
//  2. unknown fields: every key is checked against the attribute type maps of
//     @kubernetes/client-node 1.x (a typo such as `livenesProbe` is otherwise
//     silently dropped by the API server);
//  3. project rules (docs/OPERATIONS.md "What the validator enforces").
//
// Nothing here checks server-side cross-field rules (the API server's
// validation); see docs/OPERATIONS.md.

import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { effectiveBool, effectiveHttpPort, effectiveSetting, isLoopbackHost, serverConfig } from './server_args.mjs';

const require = createRequire(import.meta.url);
const k8s = require('@kubernetes/client-node');

// --- rendering --------------------------------------------------------------

// Checks that kubectl with kustomize v5+ is there; throws an actionable error otherwise.
export function checkKubectl() {
  let out;
  try {
    out = execFileSync('kubectl', ['version', '--client'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    throw new Error(
      'kubectl is required to render the kustomizations (a client with kustomize v5+, e.g. ' +
        "kubectl 1.27 or newer). Debian 12's kubernetes-client (1.20) is too old. " +
        `(${e.code === 'ENOENT' ? 'kubectl not found on PATH' : e.message})`);
  }
  const m = /Kustomize Version:\s*v(\d+)\./.exec(out);
  if (!m || Number(m[1]) < 5) {
    throw new Error(`kubectl's kustomize must be v5 or newer; got: ${out.trim().replace(/\n/g, '; ')}`);
  }
  return out.trim();
}

// Renders a kustomization directory; returns the objects. Throws with
// kustomize's message when the directory does not build.
export function render(dir) {
  let text;
  try {
    text = execFileSync('kubectl', ['kustomize', dir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20 });
  } catch (e) {
    throw new Error(`kubectl kustomize ${dir} failed: ${(e.stderr || e.message).trim()}`);
  }
  return parseYaml(text, dir);
}

export function parseYaml(text, where) {
  const objects = [];
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length > 0) throw new Error(`${where}: YAML: ${doc.errors[0].message}`);
    const obj = doc.toJS();
    if (obj !== null && obj !== undefined) objects.push(obj);
  }
  return objects;
}

// --- 1. schema (kubernetes-models) -----------------------------------------

const modelModules = new Map();

async function modelClass(apiVersion, kind) {
  const path = `kubernetes-models/${apiVersion}`;
  if (!modelModules.has(path)) {
    modelModules.set(path, await import(path).catch(() => null));
  }
  const mod = modelModules.get(path);
  return mod ? mod[kind] : undefined;
}

export function idOf(obj) {
  const ns = obj?.metadata?.namespace ? `${obj.metadata.namespace}/` : '';
  return `${obj?.kind ?? '?'} ${ns}${obj?.metadata?.name ?? '?'}`;
}

async function schemaErrors(obj) {
  if (typeof obj.apiVersion !== 'string' || typeof obj.kind !== 'string') {
    return ['missing apiVersion or kind'];
  }
  const Kind = await modelClass(obj.apiVersion, obj.kind);
  if (!Kind) return [`no schema for ${obj.apiVersion} ${obj.kind} (unknown kind or API version)`];
  try {
    new Kind(obj).validate();
    return [];
  } catch (e) {
    const details = Array.isArray(e.errors)
      ? e.errors.map((x) => `${x.instancePath || x.dataPath || '/'} ${x.message}`)
      : [e.message];
    return details.map((d) => `schema: ${d}`);
  }
}

// --- 2. unknown fields (@kubernetes/client-node 1.x type maps) --------------

const kPrimitive = new Set(['string', 'number', 'boolean', 'Date', 'any', 'object', 'IntOrString']);

function clientNodeType(apiVersion, kind) {
  const version = apiVersion.split('/').pop();
  const name = version.charAt(0).toUpperCase() + version.slice(1) + kind;
  return k8s[name]?.getAttributeTypeMap ? name : undefined;
}

function unknownFields(value, type, path, out) {
  if (value === null || value === undefined || kPrimitive.has(type)) return;
  let m;
  if ((m = /^Array<(.*)>$/.exec(type))) {
    if (!Array.isArray(value)) return;  // the schema check reports the type
    value.forEach((v, i) => unknownFields(v, m[1], `${path}[${i}]`, out));
    return;
  }
  if ((m = /^\{ \[key: string\]: (.*); \}$/.exec(type))) {
    if (typeof value !== 'object') return;
    for (const [k, v] of Object.entries(value)) unknownFields(v, m[1], `${path}.${k}`, out);
    return;
  }
  const cls = k8s[type];
  if (!cls?.getAttributeTypeMap || typeof value !== 'object' || Array.isArray(value)) return;
  const attrs = new Map(cls.getAttributeTypeMap().map((a) => [a.baseName, a.type]));
  for (const [k, v] of Object.entries(value)) {
    if (!attrs.has(k)) {
      out.push(`unknown field ${path ? `${path}.` : ''}${k} (not in ${type})`);
    } else {
      unknownFields(v, attrs.get(k), path ? `${path}.${k}` : k, out);
    }
  }
}

function unknownFieldErrors(obj) {
  const type = clientNodeType(obj.apiVersion ?? '', obj.kind ?? '');
  if (!type) return [`no type map for ${obj.apiVersion} ${obj.kind}`];
  const out = [];
  unknownFields(obj, type, '', out);
  return out;
}

// --- 3. project rules ---------------------------------------------------------

// Returns [podSpec, podLabels, path] for workloads, else null.
function podTemplate(obj) {
  switch (obj.kind) {
    case 'Pod':
      return [obj.spec, obj.metadata?.labels ?? {}, 'spec'];
    case 'StatefulSet':
    case 'Deployment':
    case 'DaemonSet':
    case 'ReplicaSet':
    case 'Job':
      return [obj.spec?.template?.spec, obj.spec?.template?.metadata?.labels ?? {}, 'spec.template.spec'];
    case 'CronJob':
      return [obj.spec?.jobTemplate?.spec?.template?.spec,
        obj.spec?.jobTemplate?.spec?.template?.metadata?.labels ?? {},
        'spec.jobTemplate.spec.template.spec'];
    default:
      return null;
  }
}

// Kubernetes label-selector semantics (matchLabels and matchExpressions).
export function selects(selector, labels) {
  if (!selector) return false;
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) {
    if (labels[k] !== v) return false;
  }
  for (const e of selector.matchExpressions ?? []) {
    const has = Object.prototype.hasOwnProperty.call(labels, e.key);
    if (e.operator === 'In' && !(has && e.values.includes(labels[e.key]))) return false;
    if (e.operator === 'NotIn' && has && e.values.includes(labels[e.key])) return false;
    if (e.operator === 'Exists' && !has) return false;
    if (e.operator === 'DoesNotExist' && has) return false;
  }
  return true;
}

function isEmptySelector(selector) {
  return !selector || (Object.keys(selector.matchLabels ?? {}).length === 0 &&
    (selector.matchExpressions ?? []).length === 0);
}

// The number of a container port given by name or number, or undefined.
function containerPortOf(c, port) {
  const found = (c.ports ?? []).find((p) => (typeof port === 'string' ? p.name === port : p.containerPort === port));
  return found?.containerPort;
}

function imageErrors(image, where) {
  if (typeof image !== 'string' || image === '') return [`${where}: no image`];
  if (image.includes('@sha256:')) return [];
  const lastSlash = image.lastIndexOf('/');
  const colon = image.indexOf(':', lastSlash + 1);
  if (colon < 0) return [`${where}: image ${image} has no tag (that is "latest"); pin a version or digest`];
  if (image.slice(colon + 1) === 'latest') return [`${where}: image ${image} uses the "latest" tag; pin a version or digest`];
  return [];
}

function containerErrors(c, podSpec, where, { needProbes }) {
  const errors = [];
  const at = `${where} container ${c.name}`;
  errors.push(...imageErrors(c.image, at));
  for (const r of ['cpu', 'memory']) {
    if (!c.resources?.limits?.[r]) errors.push(`${at}: no resources.limits.${r}`);
    if (!c.resources?.requests?.[r]) errors.push(`${at}: no resources.requests.${r}`);
  }
  const sc = c.securityContext ?? {};
  const psc = podSpec.securityContext ?? {};
  if ((sc.runAsNonRoot ?? psc.runAsNonRoot) !== true) errors.push(`${at}: runAsNonRoot is not true`);
  if ((sc.runAsUser ?? psc.runAsUser) === 0) errors.push(`${at}: runs as uid 0`);
  if (sc.readOnlyRootFilesystem !== true) errors.push(`${at}: readOnlyRootFilesystem is not true`);
  if (sc.allowPrivilegeEscalation !== false) errors.push(`${at}: allowPrivilegeEscalation is not false`);
  if (sc.privileged === true) errors.push(`${at}: privileged`);
  if (!(sc.capabilities?.drop ?? []).includes('ALL')) errors.push(`${at}: capabilities.drop does not contain ALL`);
  if ((sc.capabilities?.add ?? []).length > 0) errors.push(`${at}: adds capabilities ${sc.capabilities.add}`);
  if ((sc.seccompProfile?.type ?? psc.seccompProfile?.type) !== 'RuntimeDefault') {
    errors.push(`${at}: seccompProfile is not RuntimeDefault`);
  }
  if (needProbes) {
    const ports = new Set((c.ports ?? []).map((p) => p.containerPort));
    // Startup and liveness: native gRPC. Readiness: native gRPC or GET
    // /healthz (the server's HTTP port answers the same health, "").
    for (const probe of ['startupProbe', 'livenessProbe', 'readinessProbe']) {
      const p = c[probe];
      if (!p) {
        errors.push(`${at}: no ${probe}`);
      } else if (probe === 'readinessProbe' && p.httpGet) {
        if (p.httpGet.path !== '/healthz') {
          errors.push(`${at}: ${probe} gets ${p.httpGet.path ?? '/'}; the servers answer their health at /healthz`);
        }
        if (containerPortOf(c, p.httpGet.port) === undefined) {
          errors.push(`${at}: ${probe} probes port ${p.httpGet.port}, which the container does not expose`);
        }
      } else if (!p.grpc) {
        errors.push(`${at}: ${probe} is not a native gRPC probe (grpc: port, service)` +
          (probe === 'readinessProbe' ? ' nor an httpGet of /healthz' : ''));
      } else if (!ports.has(p.grpc.port)) {
        errors.push(`${at}: ${probe} probes port ${p.grpc.port}, which the container does not expose`);
      }
    }
  }
  return errors;
}

// The rules on a server container's configuration (server_args.mjs reads it
// as the server does). Development mode is refused everywhere: the server
// accepts it on a loopback host only, where neither probes nor other pods
// reach it. With `requireTls` (every overlay but dev) the server must speak
// TLS with a key from a Secret, trust the CA towards its upstreams, and be
// probed on its plaintext health-only port.
function serverConfigErrors(c, podSpec, where, config, { requireTls }) {
  const errors = [];
  const at = `${where} container ${c.name}`;
  for (const e of config.errors) errors.push(`${at}: ${e}`);
  const dev = effectiveBool(config, 'insecure_development_mode', 'ECOPLAN_INSECURE_DEVELOPMENT_MODE');
  if (dev.error) {
    errors.push(`${at}: cannot tell whether insecure development mode is on: ${dev.error}`);
  } else if (dev.on) {
    const host = effectiveSetting(config, 'host', 'ECOPLAN_HOST', '127.0.0.1');
    errors.push(`${at}: insecure development mode is on: it serves loopback only` +
      (host.value && !isLoopbackHost(host.value) ? ` and the server refuses --host=${host.value}` : ', out of reach of probes and pods') +
      '; use tokens (docs/SECURITY.md)');
  }
  const setting = (flag, variable) => effectiveSetting(config, flag, variable, '');
  const cert = setting('tls_cert_file', 'ECOPLAN_TLS_CERT_FILE');
  const key = setting('tls_key_file', 'ECOPLAN_TLS_KEY_FILE');
  const tlsOn = Boolean(cert.value) && Boolean(key.value);
  const secretMounts = (c.volumeMounts ?? []).filter((m) =>
    (podSpec.volumes ?? []).some((v) => v.name === m.name && (v.secret || v.projected)));
  const fromSecret = (path) => secretMounts.some((m) => path.startsWith(`${m.mountPath.replace(/\/$/, '')}/`));
  if (requireTls) {
    if (!tlsOn) {
      errors.push(`${at}: TLS is off (no --tls_cert_file and --tls_key_file): tokens would cross the network in clear`);
    } else {
      for (const [name, s] of [['--tls_cert_file', cert], ['--tls_key_file', key]]) {
        if (!fromSecret(s.value)) errors.push(`${at}: ${name}=${s.value} is not inside a volume mounted from a Secret`);
      }
    }
    const upstreams = [...config.flags.entries()].filter(([k, v]) => k.endsWith('_address') && v !== '').map(([k]) => `--${k}`);
    for (const [k, v] of config.env.entries()) {
      if (/^ECOPLAN_(REGISTRY|PROGRESS|INDICATOR|NOTIFICATION)_ADDRESS$/.test(k) && (!v.known || v.value !== '')) upstreams.push(k);
    }
    const ca = setting('upstream_tls_ca_file', 'ECOPLAN_UPSTREAM_TLS_CA_FILE');
    if (upstreams.length > 0 && !ca.value) {
      errors.push(`${at}: calls its upstreams (${upstreams.join(', ')}) without --upstream_tls_ca_file: in clear, or refused by their TLS`);
    }
  }
  if (tlsOn) {
    const health = Number(effectiveSetting(config, 'health_port', 'ECOPLAN_HEALTH_PORT', '0').value ?? 0);
    for (const probe of ['startupProbe', 'livenessProbe', 'readinessProbe']) {
      const port = c[probe]?.grpc?.port;
      if (port !== undefined && port !== health) {
        errors.push(`${at}: ${probe} probes port ${port}, which speaks TLS; native gRPC probes are plaintext: ` +
          (health ? `probe --health_port ${health}` : 'set --health_port and probe it'));
      }
    }
  }
  errors.push(...httpPortErrors(c, config, at, tlsOn));
  return errors;
}

// The server's HTTP port (--http_port): { port, tlsOn, trustedProxies } of a
// server container, as the server resolves its settings.
export function serverHttp(c, config) {
  const cert = effectiveSetting(config, 'tls_cert_file', 'ECOPLAN_TLS_CERT_FILE', '');
  const key = effectiveSetting(config, 'tls_key_file', 'ECOPLAN_TLS_KEY_FILE', '');
  const trusted = effectiveSetting(config, 'trusted_proxy_networks', 'ECOPLAN_TRUSTED_PROXY_NETWORKS', '');
  return {
    ...effectiveHttpPort(config, (c.command ?? [])[0]),
    tlsOn: Boolean(cert.value) && Boolean(key.value),
    trustedProxies: trusted.unknown ? undefined : trusted.value,
  };
}

// The HTTP port must be the container port named "http" (what the Service
// targets and the NetworkPolicy admits), and an httpGet probe must speak the
// port's protocol: HTTPS when the server has TLS (same certificate).
function httpPortErrors(c, config, at, tlsOn) {
  const errors = [];
  const http = effectiveHttpPort(config, (c.command ?? [])[0]);
  const named = containerPortOf(c, 'http');
  if (http.unknown) {
    errors.push(`${at}: cannot tell its HTTP port: ${http.unknown}`);
    return errors;
  }
  if (http.port === undefined) return errors;
  if (http.port === 0) {
    errors.push(`${at}: --http_port=0 picks a free port, which no Service or probe can name; give it a number`);
  } else if (http.port < 0) {
    if (named !== undefined) errors.push(`${at}: a container port is named http but the HTTP port is disabled (${http.source}=${http.port})`);
  } else if (named !== http.port) {
    errors.push(`${at}: the HTTP port ${http.port} (${http.source}) is not the container port named http` +
      (named === undefined ? ' (there is none)' : ` (${named})`));
  }
  const probe = c.readinessProbe?.httpGet;
  if (probe) {
    const port = containerPortOf(c, probe.port);
    if (port !== undefined && port !== http.port) {
      errors.push(`${at}: readinessProbe gets /healthz on port ${port}, which is not the HTTP port` +
        (http.port > 0 ? ` ${http.port}` : ' (disabled)'));
    }
    const scheme = probe.scheme ?? 'HTTP';
    const want = tlsOn ? 'HTTPS' : 'HTTP';
    if (port === http.port && scheme !== want) {
      errors.push(`${at}: readinessProbe speaks ${scheme} to the HTTP port, which speaks ${want}` +
        (tlsOn ? ' (the server has TLS): scheme: HTTPS' : ' (no TLS): scheme: HTTP'));
    }
  }
  return errors;
}

// ecoplanctl in a CronJob talks to a server over TLS when the servers speak it
// (`ecoplanctl token …` works offline: it mints, it calls no server).
function clientTlsErrors(c, where, { requireTls }) {
  const program = (c.command ?? [])[0] ?? '';
  if (!requireTls || !/(^|\/)ecoplanctl$/.test(program)) return [];
  const argv = [...(c.command ?? []).slice(1), ...(c.args ?? [])];
  if (argv.find((a) => !String(a).startsWith('-')) === 'token') return [];
  if (argv.some((a) => a === '--tls-ca-file' || String(a).startsWith('--tls-ca-file='))) return [];
  return [`${where} container ${c.name}: ecoplanctl without --tls-ca-file cannot reach the servers' TLS`];
}

function projectErrors(objects, { requireTls }) {
  const errors = [];  // [id, message]
  const byNs = (o) => o.metadata?.namespace ?? '';
  const pdbs = objects.filter((o) => o.kind === 'PodDisruptionBudget');
  const policies = objects.filter((o) => o.kind === 'NetworkPolicy');
  const workloads = objects.map((o) => [o, podTemplate(o)]).filter(([, t]) => t);
  const configMapData = new Map(objects.filter((o) => o.kind === 'ConfigMap').map((o) => [`${byNs(o)}/${o.metadata.name}`, o.data ?? {}]));
  const configMaps = new Set(configMapData.keys());
  const servers = [];  // { obj, labels, container, port (HTTP), tlsOn, trustedProxies }

  for (const obj of objects) {
    const id = idOf(obj);
    if (obj.kind === 'Secret' && (obj.data || obj.stringData)) {
      errors.push([id, 'a Secret with values is rendered from git; create secrets out of band (docs/OPERATIONS.md)']);
    }
  }

  for (const [obj, [spec, labels, path]] of workloads) {
    const id = idOf(obj);
    if (!spec) {
      errors.push([id, `no ${path}`]);
      continue;
    }
    const isServer = obj.kind === 'StatefulSet';
    for (const c of [...(spec.initContainers ?? []), ...(spec.containers ?? [])]) {
      for (const e of containerErrors(c, spec, path, { needProbes: isServer && (spec.containers ?? []).includes(c) })) {
        errors.push([id, e]);
      }
      const program = (c.command ?? [])[0] ?? '';
      if (isServer || /_server$/.test(program)) {
        const config = serverConfig(c, byNs(obj), configMapData);
        for (const e of serverConfigErrors(c, spec, path, config, { requireTls })) errors.push([id, e]);
        servers.push({ obj, labels, container: c, ...serverHttp(c, config) });
      }
      for (const e of clientTlsErrors(c, path, { requireTls })) errors.push([id, e]);
      for (const src of c.envFrom ?? []) {
        const name = src.configMapRef?.name;
        if (name && !src.configMapRef.optional && !configMaps.has(`${byNs(obj)}/${name}`)) {
          errors.push([id, `container ${c.name}: envFrom ConfigMap ${name} is not part of the rendered manifests`]);
        }
      }
    }
    // A secret mounted without "other" read permission is readable by a
    // non-root user only through the group set by fsGroup.
    for (const v of spec.volumes ?? []) {
      const mode = v.secret?.defaultMode ?? v.configMap?.defaultMode;
      if (mode !== undefined && (mode & 0o004) === 0 && spec.securityContext?.fsGroup === undefined) {
        errors.push([id, `volume ${v.name} (mode 0${mode.toString(8)}) is unreadable for the non-root user: set securityContext.fsGroup`]);
      }
    }
    if (spec.automountServiceAccountToken !== false) {
      errors.push([id, `${path}.automountServiceAccountToken is not false (the services call no Kubernetes API)`]);
    }
    const selectedBy = policies.filter((p) => byNs(p) === byNs(obj) && !isEmptySelector(p.spec?.podSelector) &&
      selects(p.spec.podSelector, labels));
    if (selectedBy.length === 0) {
      errors.push([id, 'no NetworkPolicy of its own selects its pods (only the default deny)']);
    }
    if (!policies.some((p) => byNs(p) === byNs(obj) && isEmptySelector(p.spec?.podSelector) &&
      (p.spec?.policyTypes ?? []).includes('Ingress') && (p.spec?.policyTypes ?? []).includes('Egress') &&
      !(p.spec?.ingress ?? []).length && !(p.spec?.egress ?? []).length)) {
      errors.push([id, `namespace "${byNs(obj)}" has no default-deny NetworkPolicy (podSelector {}, Ingress and Egress, no rules)`]);
    }
    if (!isServer) continue;

    // StatefulSets: the ecoplan servers.
    if (obj.spec.replicas !== 1) {
      errors.push([id, `replicas is ${obj.spec.replicas}, must be 1 (RocksDB has a single writer)`]);
    }
    if (!selects(obj.spec.selector, labels)) errors.push([id, 'spec.selector does not select its own template']);
    const claims = (obj.spec.volumeClaimTemplates ?? []).map((v) => v.metadata?.name);
    for (const want of ['data', 'backups']) {
      if (!claims.includes(want)) errors.push([id, `no volumeClaimTemplate "${want}"`]);
    }
    if (!pdbs.some((p) => byNs(p) === byNs(obj) && selects(p.spec?.selector, labels))) {
      errors.push([id, 'no PodDisruptionBudget selects its pods']);
    }
    if (!selectedBy.some((p) => (p.spec?.policyTypes ?? ['Ingress']).includes('Ingress'))) {
      errors.push([id, 'no NetworkPolicy restricts ingress to its pods']);
    }
    const ann = obj.spec.template?.metadata?.annotations ?? {};
    const metricsPorts = (spec.containers ?? []).flatMap((c) => c.ports ?? []).filter((p) => p.name === 'metrics');
    if (ann['prometheus.io/scrape'] !== 'true') {
      errors.push([id, 'pod template has no prometheus.io/scrape: "true" annotation']);
    } else if (!metricsPorts.some((p) => String(p.containerPort) === ann['prometheus.io/port'])) {
      errors.push([id, `prometheus.io/port ${ann['prometheus.io/port']} is not the container port named metrics`]);
    }
    if (!objects.some((o) => o.kind === 'Service' && byNs(o) === byNs(obj) && o.metadata?.name === obj.spec.serviceName &&
      o.spec?.clusterIP === 'None')) {
      errors.push([id, `serviceName ${obj.spec.serviceName} is not a headless Service of the manifests`]);
    }
  }

  // Every Service must select some pod template, and its named target ports must exist.
  for (const svc of objects.filter((o) => o.kind === 'Service' && o.spec?.selector)) {
    const sel = { matchLabels: svc.spec.selector };
    const targets = workloads.filter(([o, [, labels]]) => byNs(o) === byNs(svc) && selects(sel, labels));
    if (targets.length === 0) {
      errors.push([idOf(svc), 'its selector matches no pod template']);
      continue;
    }
    for (const port of svc.spec.ports ?? []) {
      if (typeof port.targetPort !== 'string') continue;
      const found = targets.some(([, [spec]]) =>
        (spec?.containers ?? []).some((c) => (c.ports ?? []).some((p) => p.name === port.targetPort)));
      if (!found) errors.push([idOf(svc), `targetPort "${port.targetPort}" is no container port name`]);
    }
  }
  errors.push(...httpErrors(objects, servers, policies));
  return errors.map(([id, message]) => `${id}: ${message}`);
}

// The HTTP side: each server's HTTP port is reachable (a Service targets it, a
// NetworkPolicy admits it), and every Ingress has TLS, names existing Services
// and ports that reach a server's HTTP port, speaks the port's protocol, lets
// Server-Sent Events through, keeps AdminService off, and sends to servers
// that believe its X-Forwarded-For.
const kAdminPaths = ['/ecoplan.admin.v1.AdminService/CreateBackup', '/ecoplan.admin.v1.AdminService/ListBackups'];

function pathMatches(rulePath, pathType, path) {
  const p = String(rulePath ?? '/');
  if (pathType === 'Exact') return p === path;
  // Prefix (and ImplementationSpecific, read as Prefix): element by element.
  const prefix = p.replace(/\/+$/, '');
  return prefix === '' || path === prefix || path.startsWith(`${prefix}/`);
}

function hostCovered(host, tlsHosts) {
  return tlsHosts.some((h) => h === host || (h.startsWith('*.') && host.endsWith(h.slice(1)) &&
    !host.slice(0, host.length - h.length + 1).includes('.')));
}

function httpErrors(objects, servers, policies) {
  const errors = [];
  const byNs = (o) => o.metadata?.namespace ?? '';
  const services = objects.filter((o) => o.kind === 'Service');
  const selected = (svc) => servers.filter((s) => byNs(s.obj) === byNs(svc) && svc.spec?.selector &&
    selects({ matchLabels: svc.spec.selector }, s.labels));
  const reachesHttp = (server, targetPort) => server.port > 0 &&
    containerPortOf(server.container, targetPort) === server.port;

  for (const server of servers.filter((s) => s.port > 0 && s.obj.kind === 'StatefulSet')) {
    const id = idOf(server.obj);
    if (!services.some((svc) => svc.spec?.clusterIP !== 'None' && selected(svc).includes(server) &&
      (svc.spec?.ports ?? []).some((p) => reachesHttp(server, p.targetPort ?? p.port)))) {
      errors.push([id, `no Service (but a headless one) targets its HTTP port ${server.port}`]);
    }
    const admitted = policies.some((p) => byNs(p) === byNs(server.obj) && !isEmptySelector(p.spec?.podSelector) &&
      selects(p.spec.podSelector, server.labels) && (p.spec?.ingress ?? []).some((rule) =>
      !rule.ports || rule.ports.some((q) => q.port === undefined || q.port === 'http' || q.port === server.port)));
    if (!admitted) errors.push([id, `no NetworkPolicy admits anyone to its HTTP port ${server.port}`]);
  }

  for (const ing of objects.filter((o) => o.kind === 'Ingress')) {
    const id = idOf(ing);
    const ann = ing.metadata?.annotations ?? {};
    const tls = ing.spec?.tls ?? [];
    if (tls.length === 0) errors.push([id, 'has no TLS (spec.tls): tokens would cross the network in clear']);
    for (const [i, entry] of tls.entries()) {
      if (!entry.secretName) errors.push([id, `spec.tls[${i}] names no Secret (the certificate)`]);
    }
    const tlsHosts = tls.flatMap((entry) => entry.hosts ?? []);
    const backends = [];  // [backend, where, paths it serves]
    if (ing.spec?.defaultBackend) backends.push([ing.spec.defaultBackend, 'spec.defaultBackend', null]);
    for (const [r, rule] of (ing.spec?.rules ?? []).entries()) {
      if (tls.length > 0 && (!rule.host || !hostCovered(rule.host, tlsHosts))) {
        errors.push([id, `rule host ${rule.host ?? '(any)'} is not in spec.tls: served in clear`]);
      }
      for (const [i, path] of (rule.http?.paths ?? []).entries()) {
        backends.push([path.backend, `spec.rules[${r}].http.paths[${i}]`, path]);
      }
    }
    const reached = new Set();
    for (const [backend, where, path] of backends) {
      if (!backend?.service) {
        errors.push([id, `${where}: a backend that is no Service`]);
        continue;
      }
      const want = backend.service.port?.name ?? backend.service.port?.number;
      const svc = services.find((s) => byNs(s) === byNs(ing) && s.metadata?.name === backend.service.name);
      if (!svc) {
        errors.push([id, `${where}: backend Service ${backend.service.name} is not part of the manifests`]);
        continue;
      }
      const port = (svc.spec?.ports ?? []).find((p) => (typeof want === 'string' ? p.name === want : p.port === want));
      if (!port) {
        errors.push([id, `${where}: Service ${backend.service.name} has no port ${want}`]);
        continue;
      }
      const targets = selected(svc);
      if (targets.length === 0) continue;  // not an ecoplan server
      for (const server of targets) {
        if (!reachesHttp(server, port.targetPort ?? port.port)) {
          errors.push([id, `${where}: Service ${backend.service.name} port ${want} reaches ${idOf(server.obj)} ` +
            `on ${port.targetPort ?? port.port}, not its HTTP port` + (server.port > 0 ? ` ${server.port}` : ' (disabled)')]);
        } else {
          reached.add(server);
        }
      }
      if (path && kAdminPaths.some((p) => pathMatches(path.path, path.pathType, p))) {
        errors.push([id, `${where}: path ${path.path} (${path.pathType}) routes ecoplan.admin.v1.AdminService ` +
          '(backups) to the district\'s HTTP clients; route the services\' own paths only']);
      }
    }
    for (const server of reached) {
      const protocol = String(ann['nginx.ingress.kubernetes.io/backend-protocol'] ?? 'HTTP').toUpperCase();
      const want = server.tlsOn ? 'HTTPS' : 'HTTP';
      if (protocol !== want) {
        errors.push([id, `speaks ${protocol} to ${idOf(server.obj)}'s HTTP port, which speaks ${want}: ` +
          `nginx.ingress.kubernetes.io/backend-protocol: ${want}`]);
      }
      if (ann['nginx.ingress.kubernetes.io/proxy-buffering'] !== 'off') {
        errors.push([id, 'buffers the responses, so Server-Sent Events would not flow: ' +
          'nginx.ingress.kubernetes.io/proxy-buffering: "off"']);
      }
      if (server.trustedProxies === '') {
        errors.push([id, `reaches ${idOf(server.obj)}, which trusts no proxy (--trusted_proxy_networks, ` +
          'ECOPLAN_TRUSTED_PROXY_NETWORKS): every HTTP client would have the ingress controller\'s address ' +
          '(one refusal budget for all, no client in the audit)']);
      }
    }
  }
  return errors;
}

const k8sDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');

// Every overlay but dev runs the servers with TLS (the base is not deployed alone).
export function requiresTls(dir) {
  const rel = relative(join(k8sDir, 'overlays'), resolve(dir));
  return rel !== '' && !rel.startsWith('..') && rel !== 'dev';
}

// Validates rendered objects; returns a list of human-readable errors (empty = valid).
// `requireTls`: the servers must speak TLS (every overlay but dev; not the base).
export async function validateObjects(objects, { requireTls = false } = {}) {
  const errors = [];
  for (const obj of objects) {
    for (const e of await schemaErrors(obj)) errors.push(`${idOf(obj)}: ${e}`);
    if (obj.apiVersion && obj.kind) {
      for (const e of unknownFieldErrors(obj)) errors.push(`${idOf(obj)}: ${e}`);
    }
  }
  errors.push(...projectErrors(objects, { requireTls }));
  return errors;
}
