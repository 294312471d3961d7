import { errorCode } from '../errors/app-error';

export const AuthErrors = {
  apiKeyNotFound: errorCode('api_key.not_found', 'not_found', 'API key not found'),
  expiryInPast: errorCode('api_key.expiry_in_past', 'invalid', 'Expiry must be in the future'),
  alreadyRevoked: errorCode('api_key.already_revoked', 'conflict', 'API key already revoked'),
  lastAdminKey: errorCode('api_key.last_admin_key', 'conflict', 'Last active admin key'),
  outsideObservationWindow: errorCode(
    'auth.outside_observation_window',
    'forbidden',
    'Outside the key’s observation window',
  ),
} as const;

/** What the API documents about revoke's refusals, the same for REST and GraphQL. */
export const REVOKE_CONFLICTS =
  `Refused with conflict \`${AuthErrors.alreadyRevoked.code}\` for a revoked key, and ` +
  `\`${AuthErrors.lastAdminKey.code}\` for the last active admin key (create another admin key first).`;
