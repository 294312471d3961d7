import { StateMachine } from '@opsplane/core';
import { IncidentErrors } from './incident.errors';

/**
 * A postmortem is written in `draft`, reviewed in `in_review` (and sent back to draft when the
 * review wants changes), then `published`, which is final.
 */
export const POSTMORTEM_STATUSES = ['draft', 'in_review', 'published'] as const;
export type PostmortemStatus = (typeof POSTMORTEM_STATUSES)[number];

const NEXT: Record<PostmortemStatus, readonly PostmortemStatus[]> = {
  draft: ['in_review'],
  in_review: ['published', 'draft'],
  published: [],
};

/** The machine `assertTransition` checks a postmortem's moves against: 409 `postmortem.illegal_transition`. */
export const POSTMORTEM_MACHINE: StateMachine<PostmortemStatus> = {
  name: () => 'The postmortem',
  next: NEXT,
  refusal: IncidentErrors.postmortemIllegalTransition,
};
