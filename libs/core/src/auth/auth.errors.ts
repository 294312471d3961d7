import { errorCode } from '../errors/app-error';

export const AuthErrors = {
  apiKeyNotFound: errorCode('api_key.not_found', 'not_found', 'API key not found'),
  expiryInPast: errorCode('api_key.expiry_in_past', 'invalid', 'Expiry must be in the future'),
  alreadyRevoked: errorCode('api_key.already_revoked', 'conflict', 'API key already revoked'),
  lastAdminKey: errorCode('api_key.last_admin_key', 'conflict', 'Last active admin key'),
} as const;
