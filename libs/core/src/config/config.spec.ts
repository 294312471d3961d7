import { ConfigError, loadConfig } from './config';

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

  it('requires published postmortems for SEV2 and worse by default, configurable or off', () => {
    expect(loadConfig({}).incidents.postmortemRequiredSeverity).toBe('SEV2');
    expect(loadConfig({ INCIDENTS_POSTMORTEM_REQUIRED_SEVERITY: 'SEV4' }).incidents).toEqual({
      postmortemRequiredSeverity: 'SEV4',
      signatureToleranceSeconds: 300,
    });
    expect(loadConfig({ INCIDENTS_POSTMORTEM_REQUIRED_SEVERITY: 'none' }).incidents).toEqual({
      postmortemRequiredSeverity: null,
      signatureToleranceSeconds: 300,
    });
    expect(() => loadConfig({ INCIDENTS_POSTMORTEM_REQUIRED_SEVERITY: 'sev1' })).toThrow(
      /INCIDENTS_POSTMORTEM_REQUIRED_SEVERITY must be one of SEV1, SEV2, SEV3, SEV4, SEV5, none/,
    );
  });

  it('refuses signed alert deliveries 300 s off by default, configurable within a day', () => {
    expect(
      loadConfig({ INCIDENTS_SIGNATURE_TOLERANCE_SECONDS: '60' }).incidents.signatureToleranceSeconds,
    ).toBe(60);
    expect(() => loadConfig({ INCIDENTS_SIGNATURE_TOLERANCE_SECONDS: '0' })).toThrow(
      /INCIDENTS_SIGNATURE_TOLERANCE_SECONDS must be an integer between 1 and 86400/,
    );
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

describe('.env.example', () => {
  it('documents every variable loadConfig reads', () => {
    const { readFileSync } = jest.requireActual<typeof import('node:fs')>('node:fs');
    const { join } = jest.requireActual<typeof import('node:path')>('node:path');
    const source = readFileSync(join(__dirname, 'config.ts'), 'utf8');
    const example = readFileSync(join(__dirname, '../../../../.env.example'), 'utf8');
    const read = [...source.matchAll(/read\.\w+\('([A-Z0-9_]+)'/g)].map((match) => match[1]);
    expect(read.length).toBeGreaterThan(10);
    const documented = new Set([...example.matchAll(/^([A-Z0-9_]+)=/gm)].map((match) => match[1]));
    expect(read.filter((name) => !documented.has(name))).toEqual([]);
  });
});
