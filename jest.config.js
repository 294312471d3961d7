/**
 * Three projects: unit specs beside the code (libs, apps, migrations), integration specs against a real PostgreSQL through
 * real HTTP and GraphQL, and e2e journeys through the SDK against a listening server.
 * One PostgreSQL serves the whole run (test/support/global-setup.mjs): embedded by default, or
 * the server in DATABASE_URL. The global setup migrates one template database; every integration
 * and e2e file then runs on a clone of its own (`CREATE DATABASE … TEMPLATE`, made in
 * test/support/database-per-file.js before the file loads), so files see none of each other's rows.
 */
const { join, posix } = require('node:path');
const ts = require('typescript');

/**
 * `@opsplane/<lib>` -> its index, from tsconfig.json `paths`: the one list of lib aliases, so a new
 * lib needs no line here. TypeScript's own reader, because tsconfig.json may hold comments.
 */
function libAliases() {
  const { config, error } = ts.readConfigFile(join(__dirname, 'tsconfig.json'), ts.sys.readFile);
  if (error) throw new Error(ts.flattenDiagnosticMessageText(error.messageText, '\n'));
  const { baseUrl = '.', paths } = config.compilerOptions;
  return Object.fromEntries(
    Object.entries(paths).map(([alias, [target]]) => {
      if (alias.includes('*')) throw new Error(`jest.config.js maps exact aliases only, not ${alias}`);
      return [`^${alias}$`, `<rootDir>/${posix.join(baseUrl, target)}`];
    }),
  );
}

const swc = [
  '@swc/jest',
  {
    jsc: {
      target: 'es2022',
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
      keepClassNames: true,
    },
    module: { type: 'commonjs' },
    sourceMaps: 'inline',
  },
];

const databasePerFile = '<rootDir>/test/support/database-per-file.js';

const shared = {
  testEnvironment: 'node',
  // Nest 12 and some of its dependencies ship ESM only; transform them too.
  transform: { '^.+\\.(t|j|mj|cj)s$': swc },
  transformIgnorePatterns: [],
  moduleFileExtensions: ['ts', 'js', 'mjs', 'cjs', 'json'],
  moduleNameMapper: {
    ...libAliases(),
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
};

module.exports = {
  // Each suite boots a whole application; on a busy 2-core machine that can take seconds. This
  // bounds hangs; it is not a performance assertion. (A global option: projects ignore it.)
  testTimeout: 30_000,
  // A suite whose setup timed out can leave an application open; CI must still end.
  forceExit: true,
  globalSetup: '<rootDir>/test/support/global-setup.mjs',
  globalTeardown: '<rootDir>/test/support/global-teardown.mjs',
  projects: [
    {
      ...shared,
      displayName: 'unit',
      testMatch: [
        '<rootDir>/libs/**/*.spec.ts',
        '<rootDir>/apps/**/*.spec.ts',
        '<rootDir>/migrations/**/*.spec.ts',
      ],
    },
    {
      ...shared,
      displayName: 'integration',
      testMatch: ['<rootDir>/test/integration/**/*.int-spec.ts'],
      setupFiles: [databasePerFile],
    },
    {
      ...shared,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/e2e/**/*.e2e-spec.ts'],
      setupFiles: [databasePerFile],
    },
  ],
};
