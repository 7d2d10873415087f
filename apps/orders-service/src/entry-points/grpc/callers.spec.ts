import { testLogger } from '@shop/testing';
import { describeCallerTable } from '@shop/testing/caller-table';
import { ordersCallers } from './callers';

// Every method of orders-service against every workload identity, over real mutual TLS.
describeCallerTable('orders-service', ordersCallers, testLogger('orders-service'));
