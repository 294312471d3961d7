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

export function allowedPostmortemTransitions(from: PostmortemStatus): readonly PostmortemStatus[] {
  return NEXT[from];
}
