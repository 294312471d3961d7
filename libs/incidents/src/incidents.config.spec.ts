import { ConfigError, loadConfig } from '@opsplane/core';
import { IncidentsConfig } from './incidents.config';

const incidents = (env: Record<string, string>) => loadConfig(env).sections.get(IncidentsConfig);

describe('IncidentsConfig', () => {
  it('requires published postmortems for SEV2 and worse by default, configurable or off', () => {
    expect(incidents({})).toEqual({ postmortemRequiredSeverity: 'SEV2', signatureToleranceSeconds: 300 });
    expect(incidents({ INCIDENTS_POSTMORTEM_REQUIRED_SEVERITY: 'SEV4' }).postmortemRequiredSeverity).toBe(
      'SEV4',
    );
    expect(
      incidents({ INCIDENTS_POSTMORTEM_REQUIRED_SEVERITY: 'none' }).postmortemRequiredSeverity,
    ).toBeNull();
    expect(() => loadConfig({ INCIDENTS_POSTMORTEM_REQUIRED_SEVERITY: 'sev1' })).toThrow(
      /INCIDENTS_POSTMORTEM_REQUIRED_SEVERITY must be one of SEV1, SEV2, SEV3, SEV4, SEV5, none/,
    );
  });

  it('refuses signed alert deliveries 300 s off by default, configurable within a day', () => {
    expect(incidents({ INCIDENTS_SIGNATURE_TOLERANCE_SECONDS: '60' }).signatureToleranceSeconds).toBe(60);
    expect(() => loadConfig({ INCIDENTS_SIGNATURE_TOLERANCE_SECONDS: '0' })).toThrow(
      /INCIDENTS_SIGNATURE_TOLERANCE_SECONDS must be an integer between 1 and 86400/,
    );
  });

  it("reports a bad incidents variable in the same ConfigError as core's bad ones", () => {
    let error: unknown;
    try {
      loadConfig({
        PORT: 'eighty',
        INCIDENTS_POSTMORTEM_REQUIRED_SEVERITY: 'SEV9',
        LOG_LEVEL: 'loud',
        INCIDENTS_SIGNATURE_TOLERANCE_SECONDS: 'soon',
      });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([
      'PORT must be an integer between 0 and 65535, got "eighty"',
      'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "loud"',
      'INCIDENTS_POSTMORTEM_REQUIRED_SEVERITY must be one of SEV1, SEV2, SEV3, SEV4, SEV5, none, got "SEV9"',
      'INCIDENTS_SIGNATURE_TOLERANCE_SECONDS must be an integer between 1 and 86400, got "soon"',
    ]);
  });
});
