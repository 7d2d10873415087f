import { testLogger } from '@shop/testing';
import { describeCallerTable } from '@shop/testing/caller-table';
import { emailCallers } from './callers';

// Every method of email-service against every workload identity, over real mutual TLS.
describeCallerTable('email-service', emailCallers, testLogger('email-service'));
