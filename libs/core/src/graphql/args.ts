import { Int } from '@nestjs/graphql';

/** The `expectedVersion` argument of every versioned mutation: GraphQL's If-Match (412 when stale). */
export const EXPECTED_VERSION = {
  type: () => Int,
  nullable: true,
  description: 'Refuse the change unless this is the current version.',
};
