import { errorCode } from '../errors/app-error';

export const JobErrors = {
  unknownType: errorCode('job.type_not_found', 'not_found', 'No such job type'),
  notFound: errorCode('job.not_found', 'not_found', 'No such job'),
  notScheduled: errorCode('job.not_scheduled', 'conflict', 'Job type has no schedule'),
  notRetryable: errorCode('job.not_retryable', 'conflict', 'Job cannot be retried in its state'),
  notCancellable: errorCode('job.not_cancellable', 'conflict', 'Job cannot be cancelled in its state'),
};
