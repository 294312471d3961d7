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
