import { freePort } from '@shop/testing';
import { APPS, DEFAULT_PORTS, MAIL_CATCHER_PORTS, MONOLITH, type AppName } from './apps';
import type { PortClaim } from './port-check';
import type { StackOptions } from './start-stack';

export interface PortPlan {
  /**
   * Per app, its replicas' ports. The monolith takes the gateway's (it serves the same API there): its
   * one port is `gateway`'s, and the services have none.
   */
  ports: Record<AppName, number[]>;
  /** The mail catcher's, unless an SMTP server was given. */
  mailPorts: { smtp: number; web: number } | undefined;
  /** Every port above, with what it is for: what is checked before anything starts. */
  claims: PortClaim[];
}

async function portsFor(
  app: AppName,
  replicas: number,
  mode: 'default' | 'free',
  pinned: number | undefined,
): Promise<number[]> {
  // Replica i of a service takes the first port + 100 * i: 15052, 15152, 15252 for orders-service.
  const step = app === 'gateway' ? 1 : 100;
  const first = pinned ?? (mode === 'default' ? DEFAULT_PORTS[app] : undefined);
  if (first !== undefined) return Array.from({ length: replicas }, (_, i) => first + step * i);
  return Promise.all(Array.from({ length: replicas }, () => freePort()));
}

/**
 * The options the monolith cannot follow, refused rather than ignored: it runs as one process, with no
 * gRPC port of its own.
 */
function assertMonolithPorts(options: Pick<StackOptions, 'pinnedPorts' | 'scale'>): void {
  const scaled = Object.entries(options.scale ?? {}).filter(([, replicas]) => replicas !== 1);
  if (scaled.length > 0)
    throw new Error(
      `the ${MONOLITH} runs as one process: no --scale (got ${scaled.map(([app, n]) => `${app}=${n}`).join(', ')})`,
    );
  const pinned = Object.keys(options.pinnedPorts ?? {}).filter((app) => app !== 'gateway');
  if (pinned.length > 0)
    throw new Error(`the ${MONOLITH} listens on the gateway's port only: no --port for ${pinned.join(', ')}`);
}

/** Every port the stack will listen on: fixed (DEFAULT_PORTS, MailDev's, pinned ones) or free ones. */
export async function planPorts(
  options: Pick<StackOptions, 'architecture' | 'ports' | 'pinnedPorts' | 'scale' | 'smtpUrl'>,
): Promise<PortPlan> {
  const mode = options.ports ?? 'default';
  const monolith = options.architecture === 'monolith';
  if (monolith) assertMonolithPorts(options);
  const planned: readonly AppName[] = monolith ? ['gateway'] : APPS;
  const ports = Object.fromEntries(
    await Promise.all(
      APPS.map(
        async (app) =>
          [
            app,
            planned.includes(app)
              ? await portsFor(app, options.scale?.[app] ?? 1, mode, options.pinnedPorts?.[app])
              : [],
          ] as const,
      ),
    ),
  ) as Record<AppName, number[]>;
  const mailPorts = options.smtpUrl
    ? undefined
    : mode === 'default'
      ? MAIL_CATCHER_PORTS
      : { smtp: await freePort(), web: await freePort() };
  const claims: PortClaim[] = [
    ...APPS.flatMap((app) =>
      ports[app].map((port, i) => ({ port, owner: monolith ? `${MONOLITH}#${i + 1}` : `${app}#${i + 1}` })),
    ),
    ...(mailPorts
      ? [
          { port: mailPorts.smtp, owner: 'mail catcher (SMTP)' },
          { port: mailPorts.web, owner: 'mail catcher (web UI)' },
        ]
      : []),
  ];
  return { ports, mailPorts, claims };
}
