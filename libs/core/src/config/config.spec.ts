import { ConfigError, loadConfig } from './config';
import { ConfigModule } from './config.module';
import { defineConfig } from './sections';

describe('loadConfig', () => {
  it('uses documented defaults for an empty environment', () => {
    const config = loadConfig({});
    expect(config.http).toEqual({
      port: 3000,
      host: '0.0.0.0',
      bodyLimitBytes: 1_048_576,
      trustProxy: false,
      idempotencyTtlHours: 24,
      jsonMaxDepth: 32,
      jsonMaxKeys: 1000,
      jsonMaxStringLength: 262_144,
      headersTimeoutMs: 10_000,
      requestTimeoutMs: 30_000,
      keepAliveTimeoutMs: 72_000,
      maxConnectionsPerIp: 256,
    });
    expect(config.database).toMatchObject({
      url: undefined,
      embeddedDir: '.data/postgres',
      runMigrations: true,
      poolMax: 10,
    });
    expect(config.jobs.enabled).toBe(true);
  });

  it('lets a process change a default without hiding the environment', () => {
    expect(loadConfig({}, { PORT: '3001' }).http.port).toBe(3001);
    expect(loadConfig({ PORT: '4000' }, { PORT: '3001' }).http.port).toBe(4000);
  });

  it('reads OPSPLANE_SECRET_KEY as 32 bytes of base64, else keeps the key beside the embedded data', () => {
    const key = Buffer.alloc(32, 7);
    expect(loadConfig({ OPSPLANE_SECRET_KEY: key.toString('base64') }).secrets.key).toEqual(key);
    expect(loadConfig({}).secrets).toEqual({ key: undefined, keyFile: '.data/secret.key' });
    expect(loadConfig({ DB_EMBEDDED_DIR: '/var/lib/opsplane/pg' }).secrets.keyFile).toBe(
      '/var/lib/opsplane/secret.key',
    );
    const tooShort = 'c2VjcmV0LWJ1dC10b28tc2hvcnQ=';
    expect(() => loadConfig({ OPSPLANE_SECRET_KEY: tooShort })).toThrow(
      'OPSPLANE_SECRET_KEY must be 32 random bytes in base64, e.g. the output of `openssl rand -base64 32` ' +
        '(got 28 characters)',
    );
    // The message never quotes the value: it is a credential.
    expect(() => loadConfig({ OPSPLANE_SECRET_KEY: tooShort })).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining(tooShort) }),
    );
  });

  it('reports every invalid variable at once', () => {
    let error: unknown;
    try {
      loadConfig({
        PORT: 'eighty',
        DB_MIGRATIONS: 'maybe',
        LOG_LEVEL: 'loud',
        OPSPLANE_BOOTSTRAP_TOKEN: 'short',
      });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    for (const name of ['PORT', 'DB_MIGRATIONS', 'LOG_LEVEL', 'OPSPLANE_BOOTSTRAP_TOKEN'])
      expect(problems).toContain(name);
  });
});

describe('a lib section (defineConfig)', () => {
  // What a lib's <lib>.config.ts does; the real ones have specs in their libs.
  class ExampleConfig {
    limit: number;
    mode: 'fast' | 'safe';
  }
  defineConfig(ExampleConfig, (read) => ({
    limit: read.int('EXAMPLE_LIMIT', 10, 1, 100),
    mode: read.oneOf('EXAMPLE_MODE', 'safe', ['fast', 'safe'] as const),
  }));

  it('is read by loadConfig with its defaults and overrides, like core areas', () => {
    expect(loadConfig({}).sections.get(ExampleConfig)).toEqual({ limit: 10, mode: 'safe' });
    expect(loadConfig({ EXAMPLE_MODE: 'fast' }, { EXAMPLE_LIMIT: '20' }).sections.get(ExampleConfig)).toEqual(
      {
        limit: 20,
        mode: 'fast',
      },
    );
  });

  it("reports its bad variables in the same ConfigError as core's, with the reader's messages", () => {
    let error: unknown;
    try {
      loadConfig({ PORT: 'eighty', EXAMPLE_LIMIT: '0', EXAMPLE_MODE: 'reckless' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([
      'PORT must be an integer between 0 and 65535, got "eighty"',
      'EXAMPLE_LIMIT must be an integer between 1 and 100, got "0"',
      'EXAMPLE_MODE must be one of fast, safe, got "reckless"',
    ]);
  });

  it('is provided by ConfigModule under its class', () => {
    const config = loadConfig({ EXAMPLE_LIMIT: '7' });
    expect(ConfigModule.forRoot(config).providers).toContainEqual({
      provide: ExampleConfig,
      useValue: { limit: 7, mode: 'safe' },
    });
  });

  it('refuses a class defined twice, and a section defined after the config was loaded', () => {
    expect(() =>
      defineConfig(ExampleConfig, (read) => ({ limit: 1, mode: read.oneOf('X', 'fast', []) })),
    ).toThrow('defineConfig: ExampleConfig is already defined');
    const config = loadConfig({});
    class LateConfig {
      enabled: boolean;
    }
    defineConfig(LateConfig, (read) => ({ enabled: read.bool('LATE_ENABLED', true) }));
    expect(() => ConfigModule.forRoot(config)).toThrow(
      'LateConfig was not read by loadConfig: import its lib before calling loadConfig',
    );
  });
});

describe('.env.example', () => {
  it("documents every variable loadConfig reads, core's and the libs' sections", () => {
    const { readdirSync, readFileSync } = jest.requireActual<typeof import('node:fs')>('node:fs');
    const { join } = jest.requireActual<typeof import('node:path')>('node:path');
    const root = join(__dirname, '../../../..');
    // Core's areas, and every file under libs/ that defines a section (libs/<lib>/src/<lib>.config.ts).
    const sections = readdirSync(join(root, 'libs'), { recursive: true, encoding: 'utf8' })
      .filter((file) => file.endsWith('.ts') && !file.endsWith('.spec.ts'))
      .map((file) => join(root, 'libs', file))
      .filter((file) => /^defineConfig\(/m.test(readFileSync(file, 'utf8')));
    const sources = [join(__dirname, 'config.ts'), ...sections];
    const example = readFileSync(join(root, '.env.example'), 'utf8');
    const readIn = (file: string) =>
      [...readFileSync(file, 'utf8').matchAll(/read\.\w+\('([A-Z0-9_]+)'/g)].map((match) => match[1]);
    const read = sources.flatMap(readIn);
    expect(read.length).toBeGreaterThan(10);
    expect(read).toEqual(
      expect.arrayContaining([
        'INCIDENTS_POSTMORTEM_REQUIRED_SEVERITY',
        'INCIDENTS_SIGNATURE_TOLERANCE_SECONDS',
        'JOBS_DEPLOYMENT_SCHEDULER_CRON',
      ]),
    );
    const documented = new Set([...example.matchAll(/^([A-Z0-9_]+)=/gm)].map((match) => match[1]));
    expect(read.filter((name) => !documented.has(name))).toEqual([]);
  });
});

describe('outbound configuration', () => {
  it('defaults to no allowed ranges, 10 s and 64 KiB', () => {
    expect(loadConfig({}).outbound).toEqual({
      allowCidrs: [],
      timeoutMs: 10_000,
      connectTimeoutMs: 10_000,
      maxResponseBytes: 65_536,
    });
  });

  it('parses OUTBOUND_ALLOW_CIDRS and lists every entry that is not a CIDR', () => {
    const { allowCidrs } = loadConfig({ OUTBOUND_ALLOW_CIDRS: '127.0.0.1/32, 10.20.0.0/16' }).outbound;
    expect(allowCidrs.map((range) => range.text)).toEqual(['127.0.0.1/32', '10.20.0.0/16']);
    expect(() => loadConfig({ OUTBOUND_ALLOW_CIDRS: '127.0.0.1/32,10.0.0.0/33,intranet' })).toThrow(
      'OUTBOUND_ALLOW_CIDRS must be a comma-separated list of CIDRs such as 127.0.0.1/32,10.20.0.0/16; ' +
        'not CIDRs: "10.0.0.0/33", "intranet"',
    );
  });
});
