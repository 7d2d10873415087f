import { status } from '@grpc/grpc-js';
import {
  errorCodeToGrpcStatus,
  errorCodeToHttpStatus,
  isDependencyUnavailable,
  type AppError,
} from '@shop/errors';
import type { User, UserUseCases } from '@shop/users-module';
import { SHARE_MAX_AGE_MS, withInjectedFaults } from './injected-faults';

const ADA: User = {
  id: '0b3c1f52-6f4e-4c8e-9a51-2f6d9b1e7a01',
  email: 'ada@example.com',
  name: 'Ada Lovelace',
  createdAt: new Date('2024-01-01T00:00:00Z'),
};

function useCases() {
  const asked: string[] = [];
  const real = {
    getUser: (id: string) => {
      asked.push(id);
      return Promise.resolve(ADA);
    },
  } as unknown as UserUseCases;
  return { real, asked };
}

describe('GetUser with the users-getuser-unavailable-share fault', () => {
  it('fails the calls it picks with UNAVAILABLE, before the use case runs: 503 at the gateway', async () => {
    const { real, asked } = useCases();
    const served = withInjectedFaults(real, {
      faults: { usersGetUserUnavailableShare: () => Promise.resolve(1) },
    });
    const failure = (await served.getUser(ADA.id).catch((error: unknown) => error)) as AppError;
    expect(failure.message).toMatch(/injected fault users-getuser-unavailable-share/);
    expect(failure.code).toBe('UNAVAILABLE');
    expect(errorCodeToGrpcStatus(failure.code)).toBe(status.UNAVAILABLE);
    expect(errorCodeToHttpStatus(failure.code)).toBe(503);
    expect(isDependencyUnavailable(failure)).toBe(true);
    expect(asked).toEqual([]);
  });

  it('answers the others as usual', async () => {
    const { real, asked } = useCases();
    const served = withInjectedFaults(real, {
      faults: { usersGetUserUnavailableShare: () => Promise.resolve(0.5) },
      random: () => 0.9,
    });
    await expect(served.getUser(ADA.id)).resolves.toEqual(ADA);
    expect(asked).toEqual([ADA.id]);
  });

  it('never rolls the dice while the fault is off', async () => {
    const { real } = useCases();
    const random = jest.fn(() => 0);
    const served = withInjectedFaults(real, {
      faults: { usersGetUserUnavailableShare: () => Promise.resolve(0) },
      random,
    });
    await expect(served.getUser(ADA.id)).resolves.toEqual(ADA);
    expect(random).not.toHaveBeenCalled();
  });
});

describe('the users-getuser-unavailable-share flag under load', () => {
  it('is evaluated once per SHARE_MAX_AGE_MS, however many calls arrive meanwhile', async () => {
    const { real } = useCases();
    let now = 0;
    const evaluate = jest.fn(() => Promise.resolve(0));
    const served = withInjectedFaults(real, {
      faults: { usersGetUserUnavailableShare: evaluate },
      now: () => now,
    });
    await Promise.all(Array.from({ length: 5 }, () => served.getUser(ADA.id)));
    now += SHARE_MAX_AGE_MS - 1;
    await served.getUser(ADA.id);
    expect(evaluate).toHaveBeenCalledTimes(1);
    now += 1;
    await served.getUser(ADA.id);
    expect(evaluate).toHaveBeenCalledTimes(2);
  });

  it('applies a share switched on once the last evaluation is SHARE_MAX_AGE_MS old', async () => {
    const { real, asked } = useCases();
    let now = 0;
    let share = 0;
    const served = withInjectedFaults(real, {
      faults: { usersGetUserUnavailableShare: () => Promise.resolve(share) },
      random: () => 0.5,
      now: () => now,
    });
    await expect(served.getUser(ADA.id)).resolves.toEqual(ADA);
    share = 1;
    await expect(served.getUser(ADA.id)).resolves.toEqual(ADA);
    now += SHARE_MAX_AGE_MS;
    await expect(served.getUser(ADA.id)).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    expect(asked).toEqual([ADA.id, ADA.id]);
  });

  it('evaluates again after a failed evaluation', async () => {
    const { real } = useCases();
    const evaluate = jest
      .fn<Promise<number>, []>()
      .mockRejectedValueOnce(new Error('provider gone'))
      .mockResolvedValue(0);
    const served = withInjectedFaults(real, {
      faults: { usersGetUserUnavailableShare: evaluate },
      now: () => 0,
    });
    await expect(served.getUser(ADA.id)).rejects.toThrow('provider gone');
    await expect(served.getUser(ADA.id)).resolves.toEqual(ADA);
    expect(evaluate).toHaveBeenCalledTimes(2);
  });
});
