import {
  ResponderBuilder,
  ServerInterceptingCall,
  ServerListenerBuilder,
  status,
  type ServerInterceptor,
  type ServiceDefinition,
} from '@grpc/grpc-js';
import type { Logger } from '@shop/logger';
import { workloadOf, type Workload } from './spiffe';

/**
 * Which workloads may call each method of a service. Every method of the definition must be listed
 * (an empty list for none), so a method added to the contract does not compile until someone decides
 * who may call it.
 */
export type CallerTable<Definition extends ServiceDefinition> = {
  readonly [Method in keyof Definition]: readonly Workload[];
};

/** A service's caller table with its definition, as the server's authorisation reads it. */
export interface ServiceCallers {
  definition: ServiceDefinition;
  callers: Readonly<Record<string, readonly Workload[]>>;
}

/** Pairs a definition with its caller table so that the compiler checks one against the other. */
export function callersOf<Definition extends ServiceDefinition>(
  definition: Definition,
  callers: CallerTable<Definition>,
): ServiceCallers {
  return { definition, callers };
}

/** Open to any caller the TLS handshake authenticated: probes, load balancers, grpcurl. */
export const OPEN_SERVICES = [
  'grpc.health.v1.Health',
  'grpc.reflection.v1.ServerReflection',
  'grpc.reflection.v1alpha.ServerReflection',
] as const;

/** The callers allowed per method path (`/users.v1.UsersService/GetUser`). */
export function allowedCallersByPath(services: readonly ServiceCallers[]): Map<string, ReadonlySet<string>> {
  const byPath = new Map<string, ReadonlySet<string>>();
  for (const { definition, callers } of services) {
    for (const [name, method] of Object.entries(definition)) {
      byPath.set(method.path, new Set(callers[name] ?? []));
    }
  }
  return byPath;
}

function isOpen(path: string): boolean {
  return OPEN_SERVICES.some((service) => path.startsWith(`/${service}/`));
}

/**
 * Refuses, with PERMISSION_DENIED and a warning naming caller and method, every call whose caller's
 * workload identity (the SPIFFE id of its client certificate) the tables do not allow for the method.
 * A method in no table is refused to everyone; health and reflection are open.
 */
export function authorisationInterceptor(
  services: readonly ServiceCallers[],
  logger: Logger,
): ServerInterceptor {
  const allowed = allowedCallersByPath(services);
  return (method, call) => {
    const path = method.path;
    if (isOpen(path)) return new ServerInterceptingCall(call);
    const caller = workloadOf(call.getAuthContext().sslPeerCertificate);
    if (caller !== undefined && allowed.get(path)?.has(caller)) return new ServerInterceptingCall(call);

    const who = caller === undefined ? 'a caller without a shop.local workload identity' : caller;
    logger.warn(
      { caller: caller ?? null, method: path, peer: call.getPeer() },
      'gRPC call refused: caller not allowed',
    );
    // Refused before the handler sees the request: the status goes out when the metadata arrives.
    const listener = new ServerListenerBuilder()
      .withOnReceiveMetadata(() => {
        call.sendStatus({ code: status.PERMISSION_DENIED, details: `${who} may not call ${path}` });
      })
      .build();
    return new ServerInterceptingCall(
      call,
      new ResponderBuilder().withStart((next) => next(listener)).build(),
    );
  };
}
