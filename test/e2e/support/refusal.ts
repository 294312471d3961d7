import { OpsplaneError } from '@opsplane/sdk';

/** The OpsplaneError a call is refused with; fails the test if it is not refused. */
export async function refusal(call: Promise<unknown>): Promise<OpsplaneError> {
  try {
    await call;
  } catch (error) {
    if (error instanceof OpsplaneError) return error;
    throw error;
  }
  throw new Error('expected the API to refuse the call');
}
