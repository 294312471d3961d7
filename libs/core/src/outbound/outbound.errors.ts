import { errorCode } from '../errors/app-error';

export const OutboundErrors = {
  /** A URL a user saves (a webhook target) that outbound requests would refuse; 400 naming the field. */
  urlRefused: errorCode('outbound.url_refused', 'invalid', 'URL refused by the outbound request policy'),
};
