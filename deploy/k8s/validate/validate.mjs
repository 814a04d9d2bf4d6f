#!/usr/bin/env node
// Renders the base and every overlay under deploy/k8s/overlays with
// `kubectl kustomize` and validates every object (lib.mjs). Exits 1 on the
// first kustomization with errors, listing all of them. Run by scripts/test.sh:
//   node deploy/k8s/validate/validate.mjs            # all kustomizations
//   node deploy/k8s/validate/validate.mjs DIR...     # only these
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkKubectl, render, requiresTls, validateObjects } from './lib.mjs';

const k8sDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');

// Every folder holding a kustomization.yaml under `dir` (depth first).
export function kustomizations(dir) {
  const found = [];
  if (existsSync(join(dir, 'kustomization.yaml'))) found.push(dir);
  for (const entry of readdirSync(dir).sort()) {
    const sub = join(dir, entry);
    if (statSync(sub).isDirectory()) found.push(...kustomizations(sub));
  }
  return found;
}


const args = process.argv.slice(2);
const dirs = args.length > 0
  ? args.map((a) => resolve(a))
  : [join(k8sDir, 'base'), ...kustomizations(join(k8sDir, 'overlays'))];

try {
  checkKubectl();
} catch (e) {
  console.error(`deploy validation: ${e.message}`);
  process.exit(1);
}

let failed = 0;
for (const dir of dirs) {
  const name = relative(process.cwd(), dir) || '.';
  let objects;
  try {
    objects = render(dir);
  } catch (e) {
    console.error(`FAIL ${name}: ${e.message}`);
    failed++;
    continue;
  }
  const errors = await validateObjects(objects, { requireTls: requiresTls(dir) });
  if (errors.length > 0) {
    console.error(`FAIL ${name}: ${errors.length} problem(s)`);
    for (const e of errors) console.error(`  - ${e}`);
    failed++;
  } else {
    const kinds = {};
    for (const o of objects) kinds[o.kind] = (kinds[o.kind] ?? 0) + 1;
    console.log(`ok   ${name}: ${objects.length} objects (${Object.entries(kinds).map(([k, n]) => `${n} ${k}`).join(', ')})`);
  }
}
if (failed > 0) {
  console.error(`deploy validation: ${failed} of ${dirs.length} kustomizations failed`);
  process.exit(1);
}
console.log(`deploy validation: ${dirs.length} kustomizations valid`);
