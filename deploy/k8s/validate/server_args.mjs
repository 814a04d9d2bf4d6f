// A container's effective server configuration, read as the server reads it:
// the command line parsed as Abseil's flags parser does (common/server/
// server_flags.cc, absl::ParseCommandLine) and the environment as Kubernetes
// builds it (env over envFrom, $(VAR) references expanded, ConfigMap values
// resolved from the rendered manifests). The validator's rules ask this
// module, never the raw YAML text, so `-insecure_development_mode`, `--noflag`,
// `--flag value` or a variable set through valueFrom are seen for what they are.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

// Abseil's spellings of a boolean (absl::ParseFlag<bool>, case-insensitive).
const kAbslTrue = new Set(['true', 't', 'yes', 'y', '1']);
const kAbslFalse = new Set(['false', 'f', 'no', 'n', '0']);
// common/config/env.h EnvBoolOr: a variable that is set but none of these stops the server.
const kEnvTrue = new Set(['1', 'true', 'yes']);
const kEnvFalse = new Set(['0', 'false', 'no']);

let boolFlagsCache;
// The servers' boolean flags, from their sources (ABSL_FLAG(bool, name, …)):
// only those take no separate value argument, so the parser must know them.
export function serverBoolFlags() {
  if (boolFlagsCache) return boolFlagsCache;
  const names = new Set();
  const walk = (dir) => {
    for (const entry of readdirSync(dir)) {
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) {
        walk(path);
      } else if (/\.(cc|h)$/.test(entry)) {
        for (const m of readFileSync(path, 'utf8').matchAll(/ABSL_FLAG\(\s*bool\s*,\s*(\w+)/g)) names.add(m[1]);
      }
    }
  };
  for (const dir of ['common', 'services']) walk(join(repoRoot, dir));
  boolFlagsCache = names;
  return names;
}

let httpDefaultsCache;
// Each server's HTTP port setting as its main.cc defines it
// (ECOPLAN_SERVER_FLAGS(port_env, port, http_port_env, http_port, …)):
// Map program name ("registry_server") → { variable, port }.
export function serverHttpPortDefaults() {
  if (httpDefaultsCache) return httpDefaultsCache;
  const out = new Map();
  const services = join(repoRoot, 'services');
  for (const entry of readdirSync(services)) {
    let text;
    try {
      text = readFileSync(join(services, entry, 'main.cc'), 'utf8');
    } catch {
      continue;
    }
    const m = /ECOPLAN_SERVER_FLAGS\(\s*"\w+"\s*,\s*\d+\s*,\s*"(\w+)"\s*,\s*(-?\d+)/.exec(text);
    if (m) out.set(`${entry}_server`, { variable: m[1], port: Number(m[2]) });
  }
  httpDefaultsCache = out;
  return out;
}

// The HTTP port a server container listens on, as the server resolves it
// (--http_port, else its ECOPLAN_<SERVICE>_HTTP_PORT, else its default):
// { port } (-1: disabled, 0: a free port) or { unknown: reason } or
// { port: undefined } when the program is not a known server.
export function effectiveHttpPort(config, program) {
  const name = String(program ?? '').split('/').pop();
  const defaults = serverHttpPortDefaults().get(name);
  if (!defaults && !config.flags.has('http_port')) return { port: undefined };
  const s = effectiveSetting(config, 'http_port', defaults?.variable, String(defaults?.port ?? ''));
  if (s.unknown) return { unknown: s.unknown };
  if (!/^-?\d+$/.test(s.value)) return { unknown: `${s.source}=${s.value} is not a port number (the server would not start)` };
  return { port: Number(s.value), source: s.source };
}

// Parses `argv` (the arguments after the program name) as absl::ParseCommandLine:
// "-name" and "--name" alike, "--name=value", "--name value" for non-boolean
// flags, "--name"/"--noname" for boolean ones, a later flag overriding an
// earlier one, and nothing after "--". Returns { flags: Map name → string
// value ("true"/"false" for booleans), errors: [message] } — an error where
// the server would refuse to start.
export function parseServerArgs(argv, boolFlags = serverBoolFlags()) {
  const flags = new Map();
  const errors = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = String(argv[i]);
    if (arg === '--') break;
    if (!arg.startsWith('-') || arg === '-') continue;  // a positional argument
    const body = arg.replace(/^--?/, '');
    const eq = body.indexOf('=');
    let name = eq < 0 ? body : body.slice(0, eq);
    let value = eq < 0 ? undefined : body.slice(eq + 1);
    if (value === undefined && !boolFlags.has(name) && name.startsWith('no') && boolFlags.has(name.slice(2))) {
      name = name.slice(2);
      value = 'false';
    }
    if (boolFlags.has(name)) {
      if (value === undefined) {
        value = 'true';
      } else if (kAbslTrue.has(value.toLowerCase())) {
        value = 'true';
      } else if (kAbslFalse.has(value.toLowerCase())) {
        value = 'false';
      } else {
        errors.push(`flag --${name}=${value} is not a boolean (the server would not start)`);
        continue;
      }
    } else if (value === undefined) {
      if (i + 1 >= argv.length) {
        errors.push(`flag --${name} has no value (the server would not start)`);
        continue;
      }
      value = String(argv[++i]);
    }
    flags.set(name, value);
  }
  return { flags, errors };
}

// Kubernetes' $(VAR) expansion in command, args and env values: a reference
// to a defined variable is replaced, $$ escapes, anything else stays as written.
export function expandReferences(text, env) {
  return String(text).replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g, (match, name) => {
    if (match === '$$') return '$';
    const v = env.get(name);
    return v && v.known ? v.value : match;
  });
}

// The container's environment: Map name → { known: true, value } or
// { known: false, from } where the value cannot be known offline (a Secret,
// a field reference, a missing ConfigMap). `configMaps`: Map "ns/name" → data.
export function containerEnv(container, namespace, configMaps) {
  const env = new Map();
  const unknownSources = [];  // envFrom sources whose keys cannot be listed
  for (const src of container.envFrom ?? []) {
    const prefix = src.prefix ?? '';
    if (src.configMapRef) {
      const data = configMaps.get(`${namespace}/${src.configMapRef.name}`);
      if (!data) {
        unknownSources.push(`ConfigMap ${src.configMapRef.name}`);
        continue;
      }
      for (const [k, v] of Object.entries(data)) env.set(prefix + k, { known: true, value: String(v) });
    } else if (src.secretRef) {
      unknownSources.push(`Secret ${src.secretRef.name}`);
    }
  }
  for (const e of container.env ?? []) {
    if (e.valueFrom) {
      const ref = e.valueFrom.configMapKeyRef;
      const data = ref ? configMaps.get(`${namespace}/${ref.name}`) : undefined;
      if (data && Object.prototype.hasOwnProperty.call(data, ref.key)) {
        env.set(e.name, { known: true, value: String(data[ref.key]) });
      } else if (ref && data && ref.optional) {
        env.delete(e.name);
      } else {
        const from = ref ? `ConfigMap ${ref.name} key ${ref.key}`
          : e.valueFrom.secretKeyRef ? `Secret ${e.valueFrom.secretKeyRef.name} key ${e.valueFrom.secretKeyRef.key}`
            : 'a field reference';
        env.set(e.name, { known: false, from });
      }
    } else {
      env.set(e.name, { known: true, value: expandReferences(e.value ?? '', env) });
    }
  }
  return { env, unknownSources };
}

// The effective setting of a server flag with an environment fallback, as the
// server resolves it: the flag when given, else the variable when set and not
// empty, else `fallback`. Returns { value, source } or { unknown: reason }.
export function effectiveSetting(config, flag, variable, fallback) {
  if (config.flags.has(flag)) return { value: config.flags.get(flag), source: `--${flag}` };
  const v = variable ? config.env.get(variable) : undefined;
  if (v && !v.known) return { unknown: `${variable} comes from ${v.from}, which cannot be read offline` };
  if (v && v.value !== '') return { value: v.value, source: variable };
  if (variable && !v && config.unknownSources.length > 0) {
    return { unknown: `${variable} may be set by envFrom ${config.unknownSources.join(', ')}, which cannot be read offline` };
  }
  return { value: fallback, source: 'default' };
}

// A boolean setting: { on: bool } or { error } (the server would not start, or it cannot be known).
export function effectiveBool(config, flag, variable) {
  const s = effectiveSetting(config, flag, variable, 'false');
  if (s.unknown) return { error: s.unknown };
  if (s.source === `--${flag}`) return { on: s.value === 'true' };
  const v = s.value.toLowerCase();
  if (kEnvTrue.has(v)) return { on: true };
  if (kEnvFalse.has(v)) return { on: false };
  return { error: `${variable}="${s.value}" is not a boolean: the server would exit at start` };
}

// Everything above for one container: { flags, env, unknownSources, errors }.
// The program is command[0] (or the image's entrypoint); its arguments are
// the rest of command followed by args, after $(VAR) expansion.
export function serverConfig(container, namespace, configMaps) {
  const { env, unknownSources } = containerEnv(container, namespace, configMaps);
  const argv = [...(container.command ?? []).slice(1), ...(container.args ?? [])].map((a) => expandReferences(a, env));
  const { flags, errors } = parseServerArgs(argv);
  return { flags, env, unknownSources, errors };
}

// True for the hosts common/config/server_config.cc IsLoopbackHost accepts.
export function isLoopbackHost(host) {
  let h = String(host).toLowerCase();
  if (h.startsWith('[') && h.endsWith(']')) h = h.slice(1, -1);
  if (h === 'localhost' || h === '::1' || /^0*:0*:0*:0*:0*:0*:0*:0*1$/.test(h)) return true;
  const v4 = /^(?:::ffff:)?(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(h);
  return v4 !== null && Number(v4[1]) === 127 && v4.slice(1).every((o) => Number(o) <= 255);
}
