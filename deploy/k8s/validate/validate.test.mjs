// node --test deploy/k8s/validate: every shipped kustomization is valid, and
// every deliberately broken one under testdata/ is rejected with the right reason.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { checkKubectl, parseYaml, render, selects, validateObjects } from './lib.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const k8sDir = resolve(here, '..');

checkKubectl();

async function errorsOf(dir, options) {
  return validateObjects(render(dir), options);
}

for (const dir of ['base', 'overlays/dev', 'overlays/prod', 'overlays/districts/mentougou', 'overlays/districts/fangshan']) {
  test(`${dir} is valid`, async () => {
    assert.deepEqual(await errorsOf(join(k8sDir, dir), { allowDevelopmentMode: dir === 'overlays/dev' }), []);
  });
}

test('the dev overlay switches the development mode on, and only it', async () => {
  const dev = render(join(k8sDir, 'overlays/dev'));
  const registry = dev.find((o) => o.kind === 'StatefulSet' && o.metadata.name === 'ecoplan-registry');
  assert.ok(registry.spec.template.spec.containers[0].args.includes('--insecure_development_mode'));
  assert.ok((await validateObjects(dev, { allowDevelopmentMode: false })).some((e) => /insecure development mode/.test(e)));
  for (const dir of ['base', 'overlays/prod', 'overlays/districts/fangshan']) {
    assert.ok(!JSON.stringify(render(join(k8sDir, dir))).includes('--insecure_development_mode'), dir);
  }
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
  'development-mode-in-prod': /StatefulSet ecoplan\/ecoplan-registry: insecure development mode is on outside the dev overlay/,
  'committed-secret': /Secret ecoplan-auth-.*: a Secret with values is rendered from git/,
  'two-replicas': /ecoplan-registry: replicas is 2, must be 1/,
  'unreadable-secret': /CronJob ecoplan-registry-backup: volume backup-token \(mode 0440\) is unreadable/,
};
for (const [name, expected] of Object.entries(broken)) {
  test(`rejects testdata/${name}`, async () => {
    const errors = await errorsOf(join(here, 'testdata', name));
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
