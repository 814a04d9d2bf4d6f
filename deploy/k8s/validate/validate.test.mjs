// node --test deploy/k8s/validate: every shipped kustomization is valid, and
// every deliberately broken one under testdata/ is rejected with the right reason.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { checkKubectl, parseYaml, render, requiresTls, selects, validateObjects } from './lib.mjs';
import { effectiveBool, effectiveHttpPort, isLoopbackHost, parseServerArgs, serverBoolFlags, serverConfig, serverHttpPortDefaults } from './server_args.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const k8sDir = resolve(here, '..');

checkKubectl();

async function errorsOf(dir, options) {
  return validateObjects(render(dir), options);
}

for (const dir of ['base', 'overlays/dev', 'overlays/prod', 'overlays/districts/mentougou', 'overlays/districts/fangshan']) {
  test(`${dir} is valid`, async () => {
    assert.equal(requiresTls(join(k8sDir, dir)), dir.startsWith('overlays/') && dir !== 'overlays/dev');
    assert.deepEqual(await errorsOf(join(k8sDir, dir), { requireTls: requiresTls(join(k8sDir, dir)) }), []);
  });
}

test('no kustomization switches the development mode on', () => {
  for (const dir of ['base', 'overlays/dev', 'overlays/prod', 'overlays/districts/fangshan']) {
    const text = JSON.stringify(render(join(k8sDir, dir)));
    assert.ok(!text.includes('--insecure_development_mode'), dir);
    assert.ok(!/ECOPLAN_INSECURE_DEVELOPMENT_MODE":"true/.test(text), dir);
  }
});

test('prod speaks TLS and is probed on the plaintext health port and over HTTPS', async () => {
  const prod = render(join(k8sDir, 'overlays/prod'));
  for (const service of ['registry', 'progress', 'indicator', 'notification']) {
    const set = prod.find((o) => o.kind === 'StatefulSet' && o.metadata.name === `ecoplan-${service}`);
    const c = set.spec.template.spec.containers[0];
    assert.ok(c.args.includes('--tls_cert_file=/etc/ecoplan/tls/tls.crt'), service);
    assert.ok(c.args.includes('--health_port=50050'), service);
    assert.equal(c.livenessProbe.grpc.port, 50050, service);
    assert.equal(c.startupProbe.grpc.port, 50050, service);
    // Readiness: GET /healthz on the HTTP port, which speaks HTTPS with the server's certificate.
    assert.deepEqual(c.readinessProbe.httpGet, { path: '/healthz', port: 'http', scheme: 'HTTPS' }, service);
    assert.equal(set.spec.template.spec.volumes.find((v) => v.name === 'tls').secret.secretName, `ecoplan-${service}-tls`);
    const backup = prod.find((o) => o.kind === 'CronJob' && o.metadata.name === `ecoplan-${service}-backup`);
    assert.equal(backup.spec.jobTemplate.spec.template.spec.containers[0].args[0], '--tls-ca-file=/etc/ecoplan/tls/ca.crt');
  }
  // The base alone is not deployable as production: no TLS.
  const errors = await errorsOf(join(k8sDir, 'base'), { requireTls: true });
  assert.ok(errors.some((e) => /ecoplan-registry: .*TLS is off/.test(e)), errors.join('\n'));
  assert.ok(errors.some((e) => /ecoplan-progress: .*without --upstream_tls_ca_file/.test(e)), errors.join('\n'));
  assert.ok(errors.some((e) => /ecoplan-indicator-backup: .*ecoplanctl without --tls-ca-file/.test(e)), errors.join('\n'));
});

test('the arguments are parsed as the server parses them', () => {
  const bools = new Set(['insecure_development_mode']);
  const parse = (...argv) => Object.fromEntries(parseServerArgs(argv, bools).flags);
  assert.ok(serverBoolFlags().has('insecure_development_mode'), 'read from common/server/server_flags.cc');
  assert.deepEqual(parse('-insecure_development_mode'), { insecure_development_mode: 'true' });
  assert.deepEqual(parse('--insecure_development_mode=YES'), { insecure_development_mode: 'true' });
  assert.deepEqual(parse('--insecure_development_mode=0'), { insecure_development_mode: 'false' });
  assert.deepEqual(parse('--insecure_development_mode', '--noinsecure_development_mode'), { insecure_development_mode: 'false' });
  // A non-boolean flag takes the next argument as its value; a boolean one does not.
  assert.deepEqual(parse('--host', '0.0.0.0', '--insecure_development_mode', 'positional'),
    { host: '0.0.0.0', insecure_development_mode: 'true' });
  assert.deepEqual(parse('--port', '--insecure_development_mode'), { port: '--insecure_development_mode' });
  assert.deepEqual(parse('--', '--insecure_development_mode'), {});
  assert.match(parseServerArgs(['--insecure_development_mode=on'], bools).errors[0], /not a boolean/);
  // $(VAR) references expand from the container's environment.
  const config = serverConfig({ command: ['/usr/local/bin/registry_server'], args: ['--insecure_development_mode=$(DEV)'],
    env: [{ name: 'DEV', value: 'true' }] }, 'ns', new Map());
  assert.equal(config.flags.get('insecure_development_mode'), 'true');
  // The variable through envFrom (with a prefix) and through valueFrom, env over envFrom.
  const maps = new Map([['ns/cfg', { INSECURE_DEVELOPMENT_MODE: 'yes', other: 'no' }]]);
  const fromEnvFrom = serverConfig({ envFrom: [{ prefix: 'ECOPLAN_', configMapRef: { name: 'cfg' } }] }, 'ns', maps);
  assert.deepEqual(effectiveBool(fromEnvFrom, 'insecure_development_mode', 'ECOPLAN_INSECURE_DEVELOPMENT_MODE'), { on: true });
  const overridden = serverConfig({ envFrom: [{ prefix: 'ECOPLAN_', configMapRef: { name: 'cfg' } }],
    env: [{ name: 'ECOPLAN_INSECURE_DEVELOPMENT_MODE', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'other' } } }] }, 'ns', maps);
  assert.deepEqual(effectiveBool(overridden, 'insecure_development_mode', 'ECOPLAN_INSECURE_DEVELOPMENT_MODE'), { on: false });
  const fromSecrets = serverConfig({ envFrom: [{ secretRef: { name: 's' } }] }, 'ns', maps);
  assert.match(effectiveBool(fromSecrets, 'insecure_development_mode', 'ECOPLAN_INSECURE_DEVELOPMENT_MODE').error, /Secret s/);
  assert.match(effectiveBool(serverConfig({ env: [{ name: 'ECOPLAN_INSECURE_DEVELOPMENT_MODE', value: 'on' }] }, 'ns', maps),
    'insecure_development_mode', 'ECOPLAN_INSECURE_DEVELOPMENT_MODE').error, /not a boolean/);
  for (const h of ['127.0.0.1', '127.9.9.9', '::1', '[::1]', 'localhost', '::ffff:127.0.0.1']) assert.ok(isLoopbackHost(h), h);
  for (const h of ['0.0.0.0', '::', '10.0.0.1', 'ecoplan-registry', '128.0.0.1']) assert.ok(!isLoopbackHost(h), h);
});

test('every server has its HTTP port behind an Ingress with TLS', () => {
  const defaults = serverHttpPortDefaults();
  assert.deepEqual([...defaults.entries()].sort(), [
    ['indicator_server', { variable: 'ECOPLAN_INDICATOR_HTTP_PORT', port: 8083 }],
    ['notification_server', { variable: 'ECOPLAN_NOTIFICATION_HTTP_PORT', port: 8084 }],
    ['progress_server', { variable: 'ECOPLAN_PROGRESS_HTTP_PORT', port: 8082 }],
    ['registry_server', { variable: 'ECOPLAN_REGISTRY_HTTP_PORT', port: 8081 }],
  ], 'read from services/*/main.cc');
  // The flag wins over the variable, the variable over the default; -1 disables.
  const port = (container) => effectiveHttpPort(serverConfig(container, 'ns', new Map()), '/usr/local/bin/progress_server');
  assert.deepEqual(port({}), { port: 8082, source: 'default' });
  assert.deepEqual(port({ env: [{ name: 'ECOPLAN_PROGRESS_HTTP_PORT', value: '9000' }] }), { port: 9000, source: 'ECOPLAN_PROGRESS_HTTP_PORT' });
  assert.deepEqual(port({ args: ['--http_port', '-1'], env: [{ name: 'ECOPLAN_PROGRESS_HTTP_PORT', value: '9000' }] }),
    { port: -1, source: '--http_port' });
  assert.match(port({ args: ['--http_port=80a'] }).unknown, /not a port number/);
  assert.match(port({ env: [{ name: 'ECOPLAN_PROGRESS_HTTP_PORT', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } }] }).unknown, /Secret s/);

  const hostsOf = (dir) => render(join(k8sDir, dir)).filter((o) => o.kind === 'Ingress').map((o) => o.spec.rules[0].host).sort();
  const prod = render(join(k8sDir, 'overlays/prod'));
  for (const service of ['registry', 'progress', 'indicator', 'notification']) {
    const ing = prod.find((o) => o.kind === 'Ingress' && o.metadata.name === `ecoplan-${service}-http`);
    assert.equal(ing.spec.tls[0].secretName, 'ecoplan-http-ingress-tls', service);
    assert.deepEqual(ing.spec.tls[0].hosts, [`${service}.ecoplan.example.gov.cn`]);
    assert.equal(ing.metadata.annotations['nginx.ingress.kubernetes.io/backend-protocol'], 'HTTPS', service);
    const paths = ing.spec.rules[0].http.paths.map((p) => p.path);
    assert.ok(paths.includes('/v1') && paths.includes('/openapi.json'), paths.join(' '));
    assert.ok(paths.some((p) => p.startsWith(`/ecoplan.${service}.v1.`)), paths.join(' '));
    assert.ok(!paths.some((p) => p.includes('admin')), paths.join(' '));
  }
  // Districts on one cluster: no two namespaces claim the same host.
  const all = ['overlays/prod', 'overlays/districts/mentougou', 'overlays/districts/fangshan'].flatMap(hostsOf);
  assert.equal(new Set(all).size, all.length, all.join(' '));
  assert.ok(all.includes('registry.ecoplan-mentougou.example.gov.cn'), all.join(' '));
});

test('each district has its own namespace and token audience', () => {
  for (const district of ['mentougou', 'fangshan']) {
    const objects = render(join(k8sDir, 'overlays/districts', district));
    const namespaces = new Set(objects.filter((o) => o.kind !== 'Namespace').map((o) => o.metadata.namespace));
    assert.deepEqual([...namespaces], [`ecoplan-${district}`]);
    const config = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name.startsWith('ecoplan-config'));
    assert.equal(config.data.ECOPLAN_AUTH_AUDIENCE, `ecoplan-${district}`);
  }
});

const broken = {
  'unknown-field': /unknown field spec\.template\.spec\.containers\[0\]\.livenesProbe/,
  'wrong-type': /schema: .*containerPort must be integer/,
  'no-limits': /ecoplan-registry: spec\.template\.spec container registry: no resources\.limits\.cpu/,
  'latest-tag': /uses the "latest" tag/,
  'writable-root': /ecoplan-indicator-backup: .*readOnlyRootFilesystem is not true/,
  'no-pdb': /StatefulSet ecoplan-progress: no PodDisruptionBudget selects its pods/,
  'no-networkpolicy': /StatefulSet ecoplan-indicator: no NetworkPolicy of its own selects its pods/,
  'tcp-probe': /ecoplan-notification: .*readinessProbe is not a native gRPC probe/,
  'development-mode-in-prod': /StatefulSet ecoplan\/ecoplan-registry: .*insecure development mode is on: .*refuses --host=0\.0\.0\.0/,
  'development-mode-one-dash': /StatefulSet ecoplan\/ecoplan-notification: .*insecure development mode is on/,
  'development-mode-valuefrom': /StatefulSet ecoplan\/ecoplan-progress: .*insecure development mode is on/,
  'development-mode-from-secret': /StatefulSet ecoplan\/ecoplan-registry: .*cannot tell whether insecure development mode is on: ECOPLAN_INSECURE_DEVELOPMENT_MODE comes from Secret switches/,
  'prod-without-tls': /StatefulSet ecoplan\/ecoplan-registry: .*TLS is off/,
  'probe-on-tls-port': /StatefulSet ecoplan\/ecoplan-indicator: .*livenessProbe probes port 50053, which speaks TLS/,
  'backup-without-ca': /CronJob ecoplan\/ecoplan-progress-backup: .*ecoplanctl without --tls-ca-file/,
  'committed-secret': /Secret ecoplan-auth-.*: a Secret with values is rendered from git/,
  'two-replicas': /ecoplan-registry: replicas is 2, must be 1/,
  'unreadable-secret': /CronJob ecoplan-registry-backup: volume backup-key \(mode 0440\) is unreadable/,
  'http-port-mismatch': /StatefulSet ecoplan\/ecoplan-progress: .*the HTTP port 9999 \(--http_port\) is not the container port named http \(8082\)/,
  'http-port-from-env': /StatefulSet ecoplan-notification: .*the HTTP port 8090 \(ECOPLAN_NOTIFICATION_HTTP_PORT\) is not the container port named http/,
  'service-without-http': /StatefulSet ecoplan\/ecoplan-registry: no Service \(but a headless one\) targets its HTTP port 8081/,
  'http-not-admitted': /StatefulSet ecoplan\/ecoplan-indicator: no NetworkPolicy admits anyone to its HTTP port 8083/,
  'ingress-without-tls': /Ingress ecoplan\/ecoplan-progress-http: has no TLS/,
  'ingress-host-outside-tls': /Ingress ecoplan\/ecoplan-registry-http: rule host registry\.other\.example\.gov\.cn is not in spec\.tls/,
  'ingress-unknown-service': /Ingress ecoplan\/ecoplan-notification-http: .*backend Service ecoplan-notifications is not part of the manifests/,
  'ingress-grpc-port': /Ingress ecoplan\/ecoplan-indicator-http: .*port grpc reaches StatefulSet ecoplan\/ecoplan-indicator on grpc, not its HTTP port 8083/,
  'ingress-admin-route': /Ingress ecoplan\/ecoplan-registry-http: .*path \/ \(Prefix\) routes ecoplan\.admin\.v1\.AdminService/,
  'ingress-plain-backend-in-prod': /Ingress ecoplan\/ecoplan-progress-http: speaks HTTP to StatefulSet ecoplan\/ecoplan-progress's HTTP port, which speaks HTTPS/,
  'ingress-buffering': /Ingress ecoplan-dev\/ecoplan-notification-http: buffers the responses/,
  'no-trusted-proxies': /Ingress ecoplan\/ecoplan-registry-http: reaches StatefulSet ecoplan\/ecoplan-registry, which trusts no proxy/,
  'http-probe-plain-in-prod': /StatefulSet ecoplan\/ecoplan-registry: .*readinessProbe speaks HTTP to the HTTP port, which speaks HTTPS/,
};
for (const [name, expected] of Object.entries(broken)) {
  test(`rejects testdata/${name}`, async () => {
    const errors = await errorsOf(join(here, 'testdata', name), { requireTls: true });
    assert.ok(errors.some((e) => expected.test(e)), `expected ${expected} among:\n${errors.join('\n')}`);
  });
}

test('rejects testdata/unparsable (kustomize cannot build it)', () => {
  assert.throws(() => render(join(here, 'testdata', 'unparsable')), /kubectl kustomize .* failed/);
});

test('rejects a broken manifest given as plain YAML', async () => {
  const [obj] = parseYaml(readFileSync(join(here, 'testdata', 'unparsable', 'broken.yaml'), 'utf8')
    .replace('    namespace', '  namespace').replace('{a: 1', '{a: "1"}'), 'inline');
  assert.deepEqual(await validateObjects([obj]), []);
  obj.data.a = 1;  // ConfigMap values are strings
  obj.metadata.lables = {};
  const errors = await validateObjects([obj]);
  assert.ok(errors.some((e) => /schema: .*data\/a must be string/.test(e)), errors.join('\n'));
  assert.ok(errors.some((e) => /unknown field metadata\.lables/.test(e)), errors.join('\n'));
});

test('label selectors follow Kubernetes semantics', () => {
  const labels = { app: 'a', tier: 'x' };
  assert.ok(selects({ matchLabels: { app: 'a' } }, labels));
  assert.ok(!selects({ matchLabels: { app: 'b' } }, labels));
  assert.ok(selects({ matchExpressions: [{ key: 'tier', operator: 'In', values: ['x', 'y'] }] }, labels));
  assert.ok(!selects({ matchExpressions: [{ key: 'zone', operator: 'Exists' }] }, labels));
  assert.ok(!selects(undefined, labels));
});

test('the alert rules file is well formed', () => {
  const [rules] = parseYaml(readFileSync(join(k8sDir, '../monitoring/ecoplan-alerts.yaml'), 'utf8'), 'alerts');
  const alerts = rules.groups.flatMap((g) => g.rules);
  assert.ok(alerts.length >= 8);
  for (const a of alerts) {
    assert.match(a.alert, /^Ecoplan[A-Za-z]+$/);
    assert.ok(typeof a.expr === 'string' && a.expr.length > 0, a.alert);
    assert.ok(['critical', 'warning'].includes(a.labels?.severity), a.alert);
    assert.ok(a.annotations?.summary, a.alert);
  }
});
