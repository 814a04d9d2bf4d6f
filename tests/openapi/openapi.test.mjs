// The four servers' OpenAPI documents (common/openapi, generated at build time
// from proto/), checked by tools that share nothing with the C++ generator:
// - @seriousme/openapi-schema-validator validates each against the OpenAPI 3.1
//   schema and resolves every $ref;
// - Ajv (JSON Schema 2020-12) compiles every component schema;
// - @bufbuild/protobuf reads the descriptor set of proto/ and the test checks
//   every RPC has the routes the front door answers: the Connect POST of every
//   unary RPC, the GET form of the NO_SIDE_EFFECTS ones, every
//   (ecoplan.api.v1.http) binding (a file, binary, for the
//   (ecoplan.api.v1.http_body) ones), Server-Sent Events for every
//   (ecoplan.api.v1.event_stream) method.
//
//   node --test tests/openapi/
//
// The generator's test fixture (common/openapi/testdata/openapi_fixture.proto,
// every kind of HTTP rule) gets the same checks, from its own document.
//
// Environment: ECOPLAN_OPENAPI_DIR (the documents; default build/common/openapi),
// ECOPLAN_PROTO_DESCRIPTOR_SET (default build/proto_gen/ecoplan_descriptor_set.binpb).

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Validator } from '@seriousme/openapi-schema-validator';
import Ajv2020 from 'ajv/dist/2020.js';
import { createFileRegistry, fromBinary, getOption, hasOption } from '@bufbuild/protobuf';
import { FileDescriptorSetSchema, MethodOptions_IdempotencyLevel } from '@bufbuild/protobuf/wkt';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const docDir = resolve(process.env.ECOPLAN_OPENAPI_DIR ?? join(root, 'build/common/openapi'));
const descriptorSetPath = resolve(process.env.ECOPLAN_PROTO_DESCRIPTOR_SET ??
  join(root, 'build/proto_gen/ecoplan_descriptor_set.binpb'));

// The services each server registers (services/<svc>/main.cc).
const kServers = {
  registry: ['ecoplan.registry.v1.RegistryService', 'ecoplan.admin.v1.AdminService'],
  progress: ['ecoplan.progress.v1.ProgressService', 'ecoplan.admin.v1.AdminService'],
  indicator: ['ecoplan.indicator.v1.IndicatorService', 'ecoplan.indicator.v1.AssessmentService',
    'ecoplan.indicator.v1.DocumentService', 'ecoplan.admin.v1.AdminService'],
  notification: ['ecoplan.notification.v1.NotificationService', 'ecoplan.admin.v1.AdminService'],
};
const kVerbs = ['get', 'put', 'post', 'delete', 'patch'];
const kErrorStatuses = ['400', '401', '403', '404', '409', '429', '500', '501', '503', '504'];

const readSet = (path) => createFileRegistry(fromBinary(FileDescriptorSetSchema, readFileSync(path)));
const readDoc = (path) => JSON.parse(readFileSync(path, 'utf8'));
const registry = readSet(descriptorSetPath);
const fixtureRegistry = readSet(join(docDir, 'openapi_fixture.binpb'));
for (const descriptors of [registry, fixtureRegistry]) {
  assert.ok(descriptors.getExtension('ecoplan.api.v1.http') && descriptors.getExtension('ecoplan.api.v1.event_stream'),
    'the descriptor set has ecoplan/api/v1/annotations.proto');
}

const documents = Object.fromEntries(Object.keys(kServers).map(
  (server) => [server, readDoc(join(docDir, `${server}.openapi.json`))]));
// Each document to check: [label, document, descriptors, its services].
const kChecked = [
  ...Object.entries(kServers).map(([server, services]) => [server, documents[server], registry, services]),
  ['fixture', readDoc(join(docDir, 'fixture/shelf.openapi.json')), fixtureRegistry,
    ['ecoplan.fixture.v1.ShelfService']],
];

const ref = (message) => `#/components/schemas/${message.typeName}`;
const escape = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
// An HttpRule's bindings, additional ones included, as [verb, template, a
// RegExp matching the OpenAPI path of the template]: {field} and each * or **
// of a {field=pattern} are one OpenAPI parameter, whatever its name.
function bindings(rule) {
  const verb = rule.pattern.case;
  const template = rule.pattern.value;
  const parameter = '\\{[^/{}]+\\}';
  let source = '';
  let last = 0;
  for (const match of template.matchAll(/\{([^}=]+)(?:=([^}]*))?\}/g)) {
    source += escape(template.slice(last, match.index));
    source += (match[2] ?? '*').split('/')
      .map((segment) => (segment === '*' || segment === '**' ? parameter : escape(segment))).join('/');
    last = match.index + match[0].length;
  }
  source += escape(template.slice(last));
  return [[verb, template, new RegExp(`^${source}$`)], ...rule.additionalBindings.flatMap(bindings)];
}

for (const [server, doc, descriptors, serviceNames] of kChecked) {

  test(`${server}: a valid OpenAPI 3.1 document whose references all resolve`, async () => {
    const validator = new Validator();
    const result = await validator.validate(structuredClone(doc));
    assert.equal(result.valid, true, JSON.stringify(result.errors, null, 1)?.slice(0, 4000));
    assert.equal(validator.version, '3.1');
    assert.doesNotThrow(() => validator.resolveRefs());
    assert.equal(doc.info.title, `ecoplan ${server === 'fixture' ? 'shelf' : server} server`);
    assert.ok(doc.info.version);
  });

  test(`${server}: every schema is valid JSON Schema 2020-12`, () => {
    const ajv = new Ajv2020({ strict: false, validateFormats: false });
    // The OpenAPI validator does not look inside schemas; Ajv's meta-schema does.
    const schemas = [...Object.values(doc.components.schemas)];
    const media = (content) => Object.values(content ?? {}).map((m) => m.schema).filter(Boolean);
    for (const parameter of Object.values(doc.components.parameters)) schemas.push(parameter.schema);
    for (const response of Object.values(doc.components.responses)) schemas.push(...media(response.content));
    for (const item of Object.values(doc.paths)) {
      for (const op of Object.values(item)) {
        for (const p of op.parameters ?? []) schemas.push(...(p.schema ? [p.schema] : []), ...media(p.content));
        schemas.push(...media(op.requestBody?.content));
        for (const response of Object.values(op.responses)) schemas.push(...media(response.content));
      }
    }
    assert.ok(schemas.length > 20);
    for (const schema of schemas) {
      assert.equal(ajv.validateSchema(schema), true, `${JSON.stringify(schema).slice(0, 300)}: ${ajv.errorsText()}`);
    }
    ajv.addSchema({ $id: 'doc', components: doc.components });
    for (const name of Object.keys(doc.components.schemas)) {
      const validate = ajv.getSchema(`doc#/components/schemas/${name}`);
      assert.ok(validate, name);
    }
    const connectError = ajv.getSchema('doc#/components/schemas/connect.Error');
    assert.equal(connectError({ code: 'not_found', message: 'no such plan' }), true);
    assert.equal(connectError({ code: 'no_such_code' }), false);
  });

  test(`${server}: the bearer scheme covers every operation; operationIds are unique`, () => {
    assert.deepEqual(doc.components.securitySchemes.bearerAuth,
      { ...doc.components.securitySchemes.bearerAuth, type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
    assert.deepEqual(doc.security, [{ bearerAuth: [] }]);
    const ids = new Set();
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const [verb, op] of Object.entries(item)) {
        assert.equal(op.security, undefined, `${verb} ${path} overrides the bearer scheme`);
        assert.ok(!ids.has(op.operationId), `duplicate operationId ${op.operationId}`);
        ids.add(op.operationId);
      }
    }
  });

  test(`${server}: every RPC of its services has its HTTP routes`, () => {
    const httpOption = descriptors.getExtension('ecoplan.api.v1.http');
    const eventStreamOption = descriptors.getExtension('ecoplan.api.v1.event_stream');
    const httpBodyOption = descriptors.getExtension('ecoplan.api.v1.http_body');
    assert.ok(httpBodyOption, 'the descriptor set has (ecoplan.api.v1.http_body)');
    let unary = 0;
    let resourceUrls = 0;
    for (const serviceName of serviceNames) {
      const service = descriptors.getService(serviceName);
      assert.ok(service, serviceName);
      for (const method of service.methods) {
        const connectPath = `/${serviceName}/${method.name}`;
        const item = doc.paths[connectPath];
        if (method.methodKind === 'unary') {
          ++unary;
          const post = item?.post;
          assert.ok(post, `POST ${connectPath}`);
          assert.equal(post.requestBody.content['application/json'].schema.$ref, ref(method.input));
          assert.equal(post.responses['200'].content['application/json'].schema.$ref, ref(method.output));
          assert.ok(post.requestBody.content['application/proto'], `${connectPath} takes application/proto`);
          for (const status of kErrorStatuses) {
            assert.equal(post.responses[status]?.$ref, `#/components/responses/ConnectError${status}`);
          }
          const noSideEffects = method.idempotency === MethodOptions_IdempotencyLevel.NO_SIDE_EFFECTS;
          assert.equal(Boolean(item.get), noSideEffects, `GET ${connectPath} iff NO_SIDE_EFFECTS`);
          if (noSideEffects) {
            const names = item.get.parameters.map((p) => p.name).filter(Boolean).sort();
            assert.deepEqual(names, ['base64', 'connect', 'encoding', 'message']);
          }
        } else if (method.methodKind === 'server_streaming') {
          assert.ok(item?.post?.requestBody.content['application/connect+json'], `Connect streaming ${connectPath}`);
          if (hasOption(method, eventStreamOption)) {
            assert.ok(item.get?.responses['200'].content['text/event-stream'], `SSE ${connectPath}`);
            assert.ok(item.get.parameters.some((p) => p.name === 'Last-Event-ID' && p.in === 'header'));
          } else {
            assert.equal(item.get, undefined);
          }
        } else {
          assert.equal(item, undefined, `${connectPath}: client streaming has no HTTP route`);
        }
        if (!hasOption(method, httpOption)) continue;
        for (const [verb, template, pattern] of bindings(getOption(method, httpOption))) {
          ++resourceUrls;
          assert.ok(kVerbs.includes(verb), verb);
          const paths = Object.keys(doc.paths).filter((p) => pattern.test(p) && doc.paths[p][verb]);
          assert.equal(paths.length, 1, `${verb.toUpperCase()} ${template} (${method.name}): ${paths}`);
          const path = paths[0];
          const op = doc.paths[path][verb];
          if (hasOption(method, httpBodyOption)) {
            // A download: the file's bytes under each media type, no JSON.
            const content = op.responses['200'].content;
            const types = getOption(method, httpBodyOption).mediaTypes;
            assert.deepEqual(Object.keys(content).sort(),
              (types.length > 0 ? [...types] : ['application/octet-stream']).sort(), `${method.name} media types`);
            for (const media of Object.values(content)) {
              assert.deepEqual(media.schema, { type: 'string', format: 'binary' });
            }
            if (method.methodKind === 'server_streaming') assert.equal(verb, 'get', `${method.name}: GET only`);
          } else {
            assert.equal(op.responses['200'].content['application/json'].schema.$ref, ref(method.output));
          }
          const pathParameters = op.parameters?.filter((p) => p.in === 'path').map((p) => p.name) ?? [];
          assert.deepEqual(pathParameters, [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]));
        }
      }
    }
    assert.ok(unary > 3, `${server} has unary RPCs`);
    if (server === 'fixture') assert.equal(resourceUrls, 13);
    // Nothing of another server's services.
    for (const path of Object.keys(doc.paths)) {
      if (!/^\/ecoplan\.[^/]+\/[^/]+$/.test(path)) continue;  // a resource URL
      assert.ok(serviceNames.some((name) => path.startsWith(`/${name}/`)), path);
    }
  });
}

test('schemas follow the protobuf JSON mapping and carry the proto comments', () => {
  const schemas = documents.registry.components.schemas;
  // A Timestamp is an RFC 3339 string; 64-bit integers are strings; names are lowerCamelCase.
  const withTimestamp = Object.values(schemas).flatMap((s) => Object.entries(s.properties ?? {}))
    .find(([, p]) => p.format === 'date-time');
  assert.ok(withTimestamp, 'some field is a Timestamp');
  assert.equal(withTimestamp[1].type, 'string');
  for (const [name, schema] of Object.entries(schemas)) {
    for (const [field, property] of Object.entries(schema.properties ?? {})) {
      assert.ok(!field.includes('_') || name === 'connect.Error', `${name}.${field} is not lowerCamelCase`);
      if (property.format === 'int64' || property.format === 'uint64') assert.equal(property.type, 'string');
    }
  }
  const service = registry.getService('ecoplan.registry.v1.RegistryService');
  const listMeasures = service.methods.find((m) => m.name === 'ListMeasures');
  const post = documents.registry.paths['/ecoplan.registry.v1.RegistryService/ListMeasures'].post;
  // The method's leading comment, from the source info (path: service 6, its index, method 2, its index).
  const file = service.file.proto;
  const location = file.sourceCodeInfo.location.find((l) => l.path.join('.') ===
    ['6', file.service.findIndex((s) => s.name === service.name), '2',
      service.methods.indexOf(listMeasures)].join('.'));
  const comment = location.leadingComments.trim().split('\n')[0].trim();
  assert.ok(comment.length > 10, comment);
  assert.ok(post.description.includes(comment), `${post.description} has "${comment}"`);
  const registryTag = documents.registry.tags.find((t) => t.name === 'RegistryService');
  assert.match(registryTag.description, /task registry/);
});
