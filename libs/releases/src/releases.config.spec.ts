import { loadConfig } from '@opsplane/core';
import { ReleasesConfig } from './releases.config';

describe('ReleasesConfig', () => {
  it('runs the deployment scheduler every minute unless JOBS_DEPLOYMENT_SCHEDULER_CRON says otherwise', () => {
    expect(loadConfig({}).sections.get(ReleasesConfig)).toEqual({ deploymentSchedulerCron: '* * * * *' });
    expect(
      loadConfig({ JOBS_DEPLOYMENT_SCHEDULER_CRON: '*/10 * * * * *' }).sections.get(ReleasesConfig)
        .deploymentSchedulerCron,
    ).toBe('*/10 * * * * *');
  });
});
