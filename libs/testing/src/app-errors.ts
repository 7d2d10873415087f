import { isAppError, type AppError } from '@shop/errors';

/** The AppError a call failed with, to assert its code and details; fails the test when it succeeds. */
export const failure = (promise: Promise<unknown>): Promise<AppError> =>
  promise.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (error: unknown) => {
      if (!isAppError(error)) throw error;
      return error;
    },
  );
