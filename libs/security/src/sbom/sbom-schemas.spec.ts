import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Spec, Validation } from '@cyclonedx/cyclonedx-library';
import type { ErrorObject } from 'ajv';
import {
  type CycloneDxVersion,
  MAX_SCHEMA_ERRORS,
  toSchemaErrors,
  validateAgainstSchema,
} from './sbom-schemas';

const FIXTURES = join(__dirname, '../../../../test/fixtures/security/sbom');
const fixture = (file: string) => JSON.parse(readFileSync(join(FIXTURES, file), 'utf8'));
/** Parsed JSON, poked at freely. */
type Document = ReturnType<typeof fixture>;

/** A fixture changed by `change`, which may break it. */
function variant(file: string, change: (bom: Document) => void = () => undefined): Document {
  const bom = fixture(file);
  change(bom);
  return bom;
}

/**
 * validateAgainstSchema compiles the schemas @cyclonedx/cyclonedx-library ships with that library's
 * options, except for a linear uniqueItems; its JsonValidator is the reference for what is valid.
 */
describe('validateAgainstSchema agrees with @cyclonedx/cyclonedx-library', () => {
  const alpine = 'osv-scanner-testdata-alpine-zlib-16.cdx-1.6.json';
  const cern = 'cern-lhc-vdm-editor.cdx-1.2.bom.json';
  const dtrack = 'dtrack-apiserver-4.5.0.cdx.bom.json';
  // [what, valid?, document]. The large juice-shop SBOMs are left out: the reference takes seconds on them.
  const cases: [string, boolean, Document][] = [
    ['dtrack 4.5.0 (1.4)', true, variant(dtrack)],
    ['cern (1.2)', true, variant(cern)],
    ['alpine-zlib as published (1.6)', false, variant(alpine)],
    ...(['1.5', '1.6', '1.7'] as const).map((version): [string, boolean, Document] => [
      `alpine-zlib repaired, as ${version}`,
      true,
      variant(alpine, (bom) => {
        bom.specVersion = version;
        bom.metadata.component.type = 'container';
      }),
    ]),
    [
      '1.3: an unknown enum value',
      false,
      variant(cern, (bom) => {
        bom.specVersion = '1.3';
        bom.components[3].type = 'libary';
      }),
    ],
    [
      'a missing required property',
      false,
      variant(dtrack, (bom) => {
        delete bom.components[5].name;
      }),
    ],
    [
      'an unknown licence id',
      false,
      variant(dtrack, (bom) => {
        bom.components[0].licenses = [{ license: { id: 'Not-A-Licence-1.0' } }];
      }),
    ],
    [
      'duplicate components, keys in another order',
      false,
      variant(cern, (bom) => {
        bom.components.push(Object.fromEntries(Object.entries(bom.components[2]).reverse()));
      }),
    ],
    [
      'the same name and version with other hashes (not duplicates)',
      true,
      variant(cern, (bom) => {
        bom.components.push({ ...bom.components[2], hashes: [] });
      }),
    ],
    [
      'a repeated dependsOn entry (strings)',
      false,
      variant(dtrack, (bom) => {
        bom.dependencies[0].dependsOn.push(bom.dependencies[0].dependsOn[0]);
      }),
    ],
    [
      'a number for a version string',
      false,
      variant(cern, (bom) => {
        bom.components[0].version = 1;
      }),
    ],
    [
      'a timestamp that is not date-time',
      false,
      variant(dtrack, (bom) => {
        bom.metadata.timestamp = 'yesterday';
      }),
    ],
    [
      'a serialNumber that is not a URN UUID',
      false,
      variant(cern, (bom) => {
        bom.serialNumber = 'urn:uuid:not-a-uuid';
      }),
    ],
    [
      'an author email that is not one (idn-email, 1.6)',
      false,
      variant(alpine, (bom) => {
        bom.metadata.component.type = 'container';
        bom.metadata.authors = [{ email: 'not an address' }];
      }),
    ],
    [
      'an author email that is one (1.6)',
      true,
      variant(alpine, (bom) => {
        bom.metadata.component.type = 'container';
        bom.metadata.authors = [{ email: 'dana@example.org' }];
      }),
    ],
  ];

  const SPEC_VERSION: Record<CycloneDxVersion, Spec.Version> = {
    '1.2': Spec.Version.v1dot2,
    '1.3': Spec.Version.v1dot3,
    '1.4': Spec.Version.v1dot4,
    '1.5': Spec.Version.v1dot5,
    '1.6': Spec.Version.v1dot6,
    '1.7': Spec.Version.v1dot7,
  };

  it.each(cases)('%s (valid: %s)', async (_what, valid, bom) => {
    const version = bom.specVersion as CycloneDxVersion;
    const reference = await new Validation.JsonValidator(SPEC_VERSION[version]).validate(JSON.stringify(bom));
    const ours = await validateAgainstSchema({ format: 'cyclonedx', version }, bom);
    expect(reference === null).toBe(valid);
    expect(ours.length === 0).toBe(valid);
    if (!valid) {
      const [first] = reference as { instancePath: string; keyword: string }[];
      expect(ours[0].keyword).toBe(first.keyword);
      expect(ours[0].path.startsWith(first.instancePath)).toBe(true);
    }
  });
});

describe('validateAgainstSchema: errors', () => {
  it('lists each failing alternative of a oneOf, pointing at the properties it lacks', async () => {
    const bom = variant('cern-lhc-vdm-editor.cdx-1.2.bom.json', (doc) => {
      doc.components[0].licenses = [{ license: {} }];
    });
    expect(await validateAgainstSchema({ format: 'cyclonedx', version: '1.2' }, bom)).toEqual([
      { path: '/components/0/licenses/0/license/id', keyword: 'required', message: 'is required' },
      { path: '/components/0/licenses/0/license/name', keyword: 'required', message: 'is required' },
      {
        path: '/components/0/licenses/0/license',
        keyword: 'oneOf',
        message: 'must match exactly one schema in oneOf',
      },
    ]);
  });

  it('says each error once and at most MAX_SCHEMA_ERRORS of them', () => {
    const ajvError = (index: number): ErrorObject => ({
      keyword: 'type',
      instancePath: `/components/${index}/name`,
      schemaPath: '#/definitions/component/properties/name/type',
      params: { type: 'string' },
      message: 'must be string',
    });
    const errors = toSchemaErrors([
      ajvError(0),
      ajvError(0),
      ...Array.from({ length: 20 }, (_, index) => ajvError(index)),
    ]);
    expect(errors).toHaveLength(MAX_SCHEMA_ERRORS);
    expect(errors.map((error) => error.path)).toEqual(
      Array.from({ length: 10 }, (_, index) => `/components/${index}/name`),
    );
  });

  it('names a wrong root value with the empty pointer', async () => {
    const bom = variant('cern-lhc-vdm-editor.cdx-1.2.bom.json', (doc) => {
      doc.bomFormat = 'CycloneDx';
    });
    expect(await validateAgainstSchema({ format: 'cyclonedx', version: '1.2' }, bom)).toEqual([
      expect.objectContaining({ path: '/bomFormat' }),
    ]);
    expect(
      await validateAgainstSchema({ format: 'cyclonedx', version: '1.2' }, ['not', 'an', 'object']),
    ).toEqual([{ path: '', keyword: 'type', message: 'must be object' }]);
  });

  it('escapes / and ~ in a property name it points at', async () => {
    const bom = variant('juice-shop-14.1.1.via-npm.flat.cdx-1.4.bom.json', (doc) => {
      doc.metadata['a/b~c'] = true;
    });
    expect((await validateAgainstSchema({ format: 'cyclonedx', version: '1.4' }, bom))[0].path).toBe(
      '/metadata/a~1b~0c',
    );
  });
});
