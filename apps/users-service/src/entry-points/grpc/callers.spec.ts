import { testLogger } from '@shop/testing';
import { describeCallerTable } from '@shop/testing/caller-table';
import { usersCallers } from './callers';

// Every method of users-service against every workload identity, over real mutual TLS.
describeCallerTable('users-service', usersCallers, testLogger('users-service'));
