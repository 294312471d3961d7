import { defineConfig } from '@opsplane/core';

/** The releases lib's settings, injectable by this class. */
export class ReleasesConfig {
  /** Queues scheduled deployments when due and expires those left waiting; the resolution of schedules. */
  deploymentSchedulerCron: string;
}

// Read by loadConfig with core's areas, once this file is loaded (index.ts exports the class).
defineConfig(ReleasesConfig, (read) => ({
  // Named JOBS_ like the other job schedules, as it was while it sat in core's JobsConfig.
  deploymentSchedulerCron: read.string('JOBS_DEPLOYMENT_SCHEDULER_CRON', '* * * * *'),
}));
