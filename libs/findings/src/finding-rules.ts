import { Actor, FieldError, isCaller } from '@opsplane/core';
import { ChangeFindingStatusInput } from './dto/finding.inputs';

const DAY_MS = 86_400_000;

/**
 * What a status change must carry: an accepted risk its reason, its approver (someone other than
 * the caller: nobody approves their own exception) and an expiry in the future within
 * `maxAcceptanceDays`; a false positive its reason. Acceptance fields with any other status are
 * refused rather than dropped, so a client never believes it set an expiry it did not.
 */
export function statusChangeProblems(
  input: ChangeFindingStatusInput,
  actor: Pick<Actor, 'id' | 'name'>,
  now: Date,
  maxAcceptanceDays: number,
): FieldError[] {
  const problems: FieldError[] = [];
  const reason = input.reason?.trim();
  const acceptedBy = input.acceptedBy?.trim();
  if (input.status === 'accepted') {
    if (!reason) problems.push({ path: 'reason', message: 'is required to accept a risk' });
    if (!acceptedBy) problems.push({ path: 'acceptedBy', message: 'is required to accept a risk' });
    else if (isCaller(actor, acceptedBy))
      problems.push({ path: 'acceptedBy', message: 'must be someone other than the caller' });
    if (!input.acceptedUntil)
      problems.push({ path: 'acceptedUntil', message: 'is required to accept a risk' });
    else if (input.acceptedUntil <= now)
      problems.push({ path: 'acceptedUntil', message: 'must be in the future' });
    else if (input.acceptedUntil.getTime() - now.getTime() > maxAcceptanceDays * DAY_MS)
      problems.push({
        path: 'acceptedUntil',
        message: `must be at most ${maxAcceptanceDays} days ahead (FINDINGS_MAX_ACCEPTANCE_DAYS)`,
      });
  } else {
    if (input.acceptedBy != null)
      problems.push({ path: 'acceptedBy', message: 'is only taken with status accepted' });
    if (input.acceptedUntil != null)
      problems.push({ path: 'acceptedUntil', message: 'is only taken with status accepted' });
  }
  if (input.status === 'false_positive' && !reason)
    problems.push({ path: 'reason', message: 'is required to mark a false positive' });
  if (input.justification != null && input.status !== 'accepted' && input.status !== 'false_positive')
    problems.push({ path: 'justification', message: 'is only taken with status accepted or false_positive' });
  return problems;
}
