import { loadFileDescriptorSetFromBuffer } from '@grpc/proto-loader';
import { ReflectionService } from '@grpc/reflection';
// The implementation behind ReflectionService, to ask it what a client would (the package has no exports map).
import { ReflectionV1Implementation } from '@grpc/reflection/build/src/implementations/reflection-v1';
import { descriptorSet } from './index';

describe('descriptor set', () => {
  const packageDefinition = loadFileDescriptorSetFromBuffer(descriptorSet());

  it.each([
    ['users.v1.UsersService', ['Register', 'Authenticate', 'GetUser']],
    ['orders.v1.OrdersService', ['CreateOrder', 'GetOrder', 'ListOrders']],
    ['orders.v1.CatalogService', ['ListProducts', 'GetProduct']],
    ['payments.v1.PaymentsService', ['GetPayment']],
    ['email.v1.EmailService', ['ListEmails']],
  ])('contains %s with its methods', (service, methods) => {
    const definition = packageDefinition[service];
    expect(definition).toBeDefined();
    expect(Object.keys(definition as object).sort()).toEqual([...methods].sort());
  });

  it('contains the envelope, every event message and its imports', () => {
    for (const name of [
      'events.v1.Envelope',
      'users.v1.UserRegistered',
      'orders.v1.OrderCreated',
      'orders.v1.OrderConfirmed',
      'orders.v1.OrderCancelled',
      'payments.v1.PaymentSucceeded',
      'payments.v1.PaymentFailed',
      'google.protobuf.Timestamp',
    ]) {
      expect(packageDefinition[name]).toBeDefined();
    }
  });

  it('serves gRPC reflection: every service is listed and resolves to its files', () => {
    expect(() => new ReflectionService(packageDefinition)).not.toThrow();
    const reflection = new ReflectionV1Implementation(packageDefinition);
    const services = [
      'email.v1.EmailService',
      'orders.v1.CatalogService',
      'orders.v1.OrdersService',
      'payments.v1.PaymentsService',
      'users.v1.UsersService',
    ];
    expect(
      reflection
        .listServices('*')
        .service.map((s) => s.name)
        .sort(),
    ).toEqual(services);
    for (const service of services) {
      // The service's file, plus google/protobuf/timestamp.proto for those that import it.
      const imports = service === 'orders.v1.CatalogService' ? 0 : 1;
      expect(reflection.fileContainingSymbol(service).fileDescriptorProto.length).toBeGreaterThanOrEqual(
        1 + imports,
      );
    }
  });
});
