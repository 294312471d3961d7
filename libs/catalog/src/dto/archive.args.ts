import { Args, Prop } from '@opsplane/core';

const CANCEL_DEPLOYMENTS_DESCRIPTION =
  'Cancel its deployments that have not started (pending approval, scheduled, queued) and archive. ' +
  'Without it any active deployment refuses the archive (409 `catalog.archive_blocked`, one `errors` ' +
  'entry per deployment); a running one refuses it either way, until its pipeline reports it finished.';

/** The REST query of archiving a service or an environment. */
@Args()
export class ArchiveArgs {
  @Prop.bool({ optional: true, description: CANCEL_DEPLOYMENTS_DESCRIPTION })
  cancelDeployments?: boolean;
}

/**
 * The same as a GraphQL argument of the archive mutations, beside `idOrSlug` and `expectedVersion`
 * (an `@Args()` class there would be validated as the whole argument object, `idOrSlug` included).
 */
export const CANCEL_DEPLOYMENTS = {
  type: () => Boolean,
  nullable: true,
  description: CANCEL_DEPLOYMENTS_DESCRIPTION,
};
