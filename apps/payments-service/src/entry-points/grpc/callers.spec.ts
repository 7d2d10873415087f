import { testLogger } from '@shop/testing';
import { describeCallerTable } from '@shop/testing/caller-table';
import { paymentsCallers } from './callers';

// Every method of payments-service against every workload identity, over real mutual TLS.
describeCallerTable('payments-service', paymentsCallers, testLogger('payments-service'));
