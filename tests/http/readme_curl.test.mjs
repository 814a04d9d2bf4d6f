// The README's "HTTP and JSON" examples, pasted as a newcomer would: every
// ```sh block of that section is run with bash, curl and jq against the four
// real servers (tests/http/harness.mjs: 127.0.0.1, free ports, ES256 tokens),
// with only the base URLs (http://127.0.0.1:808N) and the token file
// (var/keys/admin.token) substituted, and what they print is checked against
// the servers' own answers through the Connect client.
//
//   node --test tests/http/
//
// Needs curl and jq (Debian packages). Environment: as tests/http/harness.mjs.

import assert from 'node:assert/strict';
import { execFile, execFileSync, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { Servers, connectPost, kDeadlineMs, root, seedPath, serviceNames } from './harness.mjs';

const servers = new Servers('ecoplan-http-readme-');
let tokenFile;
let token;
let plan;
let transport;  // organizations/o-… of 区交通局

// The ```sh blocks of the README's "## HTTP and JSON" section, in order.
function readmeBlocks() {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const start = readme.indexOf('\n## HTTP and JSON\n');
  assert.ok(start >= 0, 'README.md has a "## HTTP and JSON" section');
  const end = readme.indexOf('\n## ', start + 1);
  const section = readme.slice(start, end < 0 ? undefined : end);
  return [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]);
}

// The block with the base URLs and the token file of the servers under test.
function localize(block) {
  let text = block.replaceAll('var/keys/admin.token', tokenFile);
  for (const [name, port] of [['registry', 8081], ['progress', 8082], ['indicator', 8083], ['notification', 8084]]) {
    text = text.replaceAll(`http://127.0.0.1:${port}`, servers.base(name));
  }
  assert.doesNotMatch(text, /127\.0\.0\.1:808[1-4]\b|localhost/, 'every base URL substituted');
  return text;
}

async function bash(script) {
  const { stdout } = await promisify(execFile)('bash', ['-c', `set -euo pipefail\n${script}`], {
    cwd: servers.workDir, encoding: 'utf8', timeout: kDeadlineMs, env: { ...process.env, ECOPLAN_TOKEN: '' } });
  return stdout;
}

before(async () => {
  for (const tool of ['curl', 'jq']) {
    try {
      execFileSync('bash', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
    } catch {
      assert.fail(`the README examples need ${tool}: apt-get install ${tool}`);
    }
  }
  await servers.startAll();
  token = servers.keys.mint({ subject: 'readme-admin', role: 'administrator' });
  tokenFile = join(servers.workDir, 'admin.token');
  writeFileSync(tokenFile, `${token}\n`);
  // The plan the examples find, imported as the local run does.
  const imported = await connectPost(servers.base('registry'), serviceNames.registry, 'ImportPlan',
    { documentText: readFileSync(seedPath, 'utf8') }, { token });
  assert.equal(imported.status, 200, imported.text);
  plan = imported.json.plan.name;
  const resolved = await connectPost(servers.base('registry'), serviceNames.registry, 'ResolveOrganization',
    { writtenName: '区交通局' }, { token });
  transport = resolved.json.organizations[0].name;
  // The progress service follows the registry: wait until it knows the plan.
  await servers.waitFor(async () => {
    const r = await connectPost(servers.base('progress'), serviceNames.progress, 'GetSubmissionStatus', { plan, period: '2026-04' }, { token });
    return r.status === 200;
  }, 'the progress service to know the plan');
});

after(async () => {
  await servers.stopAll();
  servers.cleanUp();
});

test('the README\'s HTTP examples run as written and print what the servers hold', async () => {
  const blocks = readmeBlocks();
  assert.equal(blocks.length, 4, 'four examples: measures, a report, an error, the notification stream');
  const [measuresBlock, reportBlock, errorBlock, streamBlock] = blocks.map(localize);
  assert.match(measuresBlock, /\/measures\b/);
  assert.match(reportBlock, /\/reports\b/);
  assert.match(errorBlock, /GetMeasure/);
  assert.match(streamBlock, /curl -N .*StreamNotifications/s);

  // The three finite examples, one shell as a newcomer pastes them, output split per block.
  const marker = '@@@@ next example @@@@';
  const output = await bash([measuresBlock, reportBlock, errorBlock].join(`\necho '${marker}'\n`));
  const [measuresOut, reportOut, errorOut] = output.split(`${marker}\n`);

  // 1. The measures 区交通局 leads: exactly those ListMeasures answers for the filter.
  const printed = measuresOut.trim().split('\n').map((line) => JSON.parse(line));
  const expected = await connectPost(servers.base('registry'), serviceNames.registry, 'ListMeasures',
    { parent: plan, filter: { organization: transport, role: 'ORG_ROLE_LEAD' }, pageSize: 1000 }, { token });
  assert.equal(expected.status, 200, expected.text);
  assert.ok(expected.json.measures.length > 0, '区交通局 leads measures');
  assert.deepEqual(printed, expected.json.measures.map((m) => ({ name: m.name, text: m.text })));
  for (const m of expected.json.measures) {
    assert.ok(m.leadOrganizations.some((o) => o.organization === transport || (o.members ?? []).includes(transport)),
      `${m.name} is led by 区交通局`);
  }

  // 2. The report: submitted, and stored as printed.
  const report = JSON.parse(reportOut.trim());
  assert.equal(report.name, `${plan}/reports/${transport.split('/').pop()}_2026-05`);
  assert.equal(report.state, 'REPORT_STATE_SUBMITTED');
  const stored = await connectPost(servers.base('progress'), serviceNames.progress, 'GetReport', { name: report.name }, { token });
  assert.equal(stored.status, 200, stored.text);
  assert.equal(stored.json.report.entries[0].measure, `${plan}/measures/a1-t3-m2`);
  assert.equal(stored.json.report.entries[0].percentDone, 60);
  assert.equal(stored.json.report.revision, report.revision);

  // 3. The error: Connect's error body and the status of not_found.
  const error = errorOut.trim().match(/^(\{.*\}) HTTP (\d{3})$/s);
  assert.ok(error, `an error body and a status: ${errorOut}`);
  assert.equal(error[2], '404');
  const body = JSON.parse(error[1]);
  assert.equal(body.code, 'not_found');
  assert.ok(body.message.length > 0);

  // 4. The notification stream: curl -N prints events until stopped; read a few, then stop it.
  // Pasted into the same shell: the first example's settings (the token, `auth`) hold.
  const settings = measuresBlock.split('\n').filter((line) => /^(export |auth=)/.test(line)).join('\n');
  const child = spawn('bash', ['-c', `set -euo pipefail\n${settings}\n${streamBlock}`],
    { cwd: servers.workDir, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let text = '';
  try {
    await new Promise((resolvePromise, reject) => {
      const timer = setTimeout(() => reject(new Error(`no events from the README's curl -N in time: ${text}`)), kDeadlineMs);
      child.stdout.setEncoding('utf8');
      child.stdout.on('data', (chunk) => {
        text += chunk;
        if ((text.match(/\n\n/g) ?? []).length >= 3) { clearTimeout(timer); resolvePromise(); }
      });
      child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`curl -N ended (${code}): ${text}`)); });
    });
  } finally {
    child.removeAllListeners('exit');
    try { process.kill(-child.pid, 'SIGTERM'); } catch { /* already gone */ }
  }
  const events = text.split('\n\n').filter((b) => b.trim() && !b.startsWith(':')).slice(0, 3).map((b) => {
    const id = b.match(/^id: (\d+)$/m)?.[1];
    const data = b.match(/^data: (.*)$/m)?.[1];
    assert.ok(id && data, `an event with id and data: ${b}`);
    return { id, data: JSON.parse(data) };
  });
  assert.deepEqual(events.map((e) => e.id), ['1', '2', '3'], 'the log from its start, in order');
  for (const e of events) {
    assert.equal(e.data.event.sequence, e.id);
    assert.equal(e.data.event.source, serviceNames.notification);
  }
});
