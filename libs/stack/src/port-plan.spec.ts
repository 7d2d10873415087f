import { SERVICES } from './apps';
import { parseCliOptions } from './cli-options';
import { planPorts } from './port-plan';

describe('the architecture option', () => {
  it('is microservices unless monolith is asked for, and nothing else', () => {
    expect(parseCliOptions([]).architecture).toBe('microservices');
    expect(parseCliOptions(['--architecture', 'monolith']).architecture).toBe('monolith');
    expect(() => parseCliOptions(['--architecture', 'serverless'])).toThrow(
      '--architecture takes microservices or monolith; got "serverless"',
    );
  });

  it('plans the microservices a port per replica, as before', async () => {
    const plan = await planPorts({ ports: 'default', scale: { 'payments-service': 2 } });
    expect(plan.ports).toEqual({
      'users-service': [15051],
      'orders-service': [15052],
      'payments-service': [15053, 15153],
      'email-service': [15054],
      gateway: [8080],
    });
    expect(plan.claims.map((claim) => claim.owner)).toContain('payments-service#2');
  });

  it('plans the monolith the gateway port alone, claimed in its name, and the mail catcher', async () => {
    const plan = await planPorts({ architecture: 'monolith', ports: 'default' });
    expect(plan.ports.gateway).toEqual([8080]);
    for (const service of SERVICES) expect(plan.ports[service]).toEqual([]);
    expect(plan.claims).toEqual([
      { port: 8080, owner: 'monolith#1' },
      { port: 1025, owner: 'mail catcher (SMTP)' },
      { port: 1080, owner: 'mail catcher (web UI)' },
    ]);
    const pinned = await planPorts({
      architecture: 'monolith',
      ports: 'free',
      pinnedPorts: { gateway: 18080 },
    });
    expect(pinned.ports.gateway).toEqual([18080]);
  });

  it('refuses what the monolith cannot do rather than ignoring it', async () => {
    await expect(planPorts({ architecture: 'monolith', scale: { 'payments-service': 3 } })).rejects.toThrow(
      'the monolith runs as one process: no --scale (got payments-service=3)',
    );
    await expect(
      planPorts({ architecture: 'monolith', pinnedPorts: { 'users-service': 16000 } }),
    ).rejects.toThrow("the monolith listens on the gateway's port only: no --port for users-service");
  });
});
