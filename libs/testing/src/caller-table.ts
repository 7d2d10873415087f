// A secondary entry point (`@shop/testing/caller-table`), kept out of the index: it declares jest tests,
// so only specs load it, and tools that use the rest of libs/testing never see jest's globals.
import { status, type ServiceDefinition } from '@grpc/grpc-js';
import type { GrpcServer } from '@shop/grpc';
import type { Logger } from '@shop/logger';
import { WORKLOADS, type ServiceCallers, type Workload } from '@shop/service-identity';
import {
  UNKNOWN_WORKLOAD,
  callMethod,
  startCallerTableServer,
  testCertificates,
  type TestCertificates,
} from './service-identity';

/**
 * The caller table of a service, checked over real mutual TLS: every method of every definition, called
 * by every workload and by UNKNOWN_WORKLOAD, succeeds exactly when the table lists the caller and is
 * refused with PERMISSION_DENIED otherwise; health answers every one of them.
 */
export function describeCallerTable(
  server: Workload,
  callers: readonly ServiceCallers[],
  logger: Logger,
): void {
  const callerNames = [...WORKLOADS, UNKNOWN_WORKLOAD];
  const cases = callers.flatMap(({ definition, callers: table }) =>
    Object.entries(definition).flatMap(([method, { path }]) =>
      callerNames.map((caller) => ({
        path,
        caller,
        allowed: (table[method] ?? []).some((listed) => listed === caller),
        definition,
        method,
      })),
    ),
  );

  describe(`who may call ${server}`, () => {
    let running: { address: string; server: GrpcServer };
    let certificates: TestCertificates;

    beforeAll(async () => {
      certificates = await testCertificates();
      running = await startCallerTableServer({ server, callers, logger });
    });
    afterAll(() => running.server.shutdown(1_000));

    it('lists every method of every definition it serves', () => {
      expect(new Set(cases.map(({ path }) => path)).size).toBe(
        callers.reduce((sum, { definition }) => sum + Object.keys(definition).length, 0),
      );
    });

    it.each(cases.map((one) => [one.path, one.caller, one.allowed ? 'allowed' : 'refused', one] as const))(
      '%s from %s: %s',
      async (path, caller, _outcome, { allowed, definition, method }) => {
        const outcome = await callMethod(
          running.address,
          certificates.clientSecurity(caller, server),
          definition,
          method,
        );
        if (allowed) expect(outcome).toEqual({ code: status.OK, details: '' });
        else
          expect(outcome).toEqual({
            code: status.PERMISSION_DENIED,
            details: `${caller} may not call ${path}`,
          });
      },
    );

    it.each(callerNames)('answers health checks from %s', async (caller) => {
      const outcome = await callMethod(
        running.address,
        certificates.clientSecurity(caller, server),
        HEALTH,
        'check',
      );
      expect(outcome.code).toBe(status.OK);
    });
  });
}

// grpc.health.v1.Health/Check with a raw codec: HealthCheckRequest{service: ""} is zero bytes.
const HEALTH: ServiceDefinition = {
  check: {
    path: '/grpc.health.v1.Health/Check',
    requestStream: false,
    responseStream: false,
    requestSerialize: (bytes: Buffer) => bytes,
    requestDeserialize: (bytes: Buffer) => bytes,
    responseSerialize: (bytes: Buffer) => bytes,
    responseDeserialize: (bytes: Buffer) => bytes,
  },
};
