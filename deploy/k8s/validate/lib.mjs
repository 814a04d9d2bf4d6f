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
import { parseAllDocuments } from 'yaml';

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
    for (const probe of ['startupProbe', 'livenessProbe', 'readinessProbe']) {
      const p = c[probe];
      if (!p) {
        errors.push(`${at}: no ${probe}`);
      } else if (!p.grpc) {
        errors.push(`${at}: ${probe} is not a native gRPC probe (grpc: port, service)`);
      } else if (!ports.has(p.grpc.port)) {
        errors.push(`${at}: ${probe} probes port ${p.grpc.port}, which the container does not expose`);
      }
    }
  }
  return errors;
}

function usesDevelopmentMode(obj) {
  const text = JSON.stringify(obj);
  return /--insecure_development_mode(?!=false)/.test(text) ||
    /"ECOPLAN_INSECURE_DEVELOPMENT_MODE":"(1|true|yes)"/i.test(text) ||
    /"name":"ECOPLAN_INSECURE_DEVELOPMENT_MODE","value":"(1|true|yes)"/i.test(text);
}

function projectErrors(objects, { allowDevelopmentMode }) {
  const errors = [];  // [id, message]
  const byNs = (o) => o.metadata?.namespace ?? '';
  const pdbs = objects.filter((o) => o.kind === 'PodDisruptionBudget');
  const policies = objects.filter((o) => o.kind === 'NetworkPolicy');
  const workloads = objects.map((o) => [o, podTemplate(o)]).filter(([, t]) => t);
  const configMaps = new Set(objects.filter((o) => o.kind === 'ConfigMap').map((o) => `${byNs(o)}/${o.metadata.name}`));

  for (const obj of objects) {
    const id = idOf(obj);
    if (obj.kind === 'Secret' && (obj.data || obj.stringData)) {
      errors.push([id, 'a Secret with values is rendered from git; create secrets out of band (docs/OPERATIONS.md)']);
    }
    if (!allowDevelopmentMode && usesDevelopmentMode(obj)) {
      errors.push([id, 'insecure development mode is on outside the dev overlay']);
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
  return errors.map(([id, message]) => `${id}: ${message}`);
}

// Validates rendered objects; returns a list of human-readable errors (empty = valid).
export async function validateObjects(objects, { allowDevelopmentMode = false } = {}) {
  const errors = [];
  for (const obj of objects) {
    for (const e of await schemaErrors(obj)) errors.push(`${idOf(obj)}: ${e}`);
    if (obj.apiVersion && obj.kind) {
      for (const e of unknownFieldErrors(obj)) errors.push(`${idOf(obj)}: ${e}`);
    }
  }
  errors.push(...projectErrors(objects, { allowDevelopmentMode }));
  return errors;
}
