export { ensureMockBrokerBuilt, mockBrokerBinaryPath } from './build';
export {
  startMockBroker,
  type MockBroker,
  type MockBrokerOptions,
  type MockBrokerTopic,
} from './start-mock-broker';
