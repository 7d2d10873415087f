export {
  allowedCallersByPath,
  authorisationInterceptor,
  callersOf,
  OPEN_SERVICES,
  type CallerTable,
  type ServiceCallers,
} from './authorisation';
export { CA_FILES, TLS_FILES, readTlsDir, type TlsMaterial } from './tls-files';
export {
  VALIDITY,
  ensureWorkloadCertificate,
  loadOrCreateCa,
  type CertificateAuthority,
  type IssueOutcome,
} from './certificates';
export {
  mtlsChannelCredentials,
  mtlsClientSecurity,
  mtlsServerCredentials,
  type GrpcClientSecurity,
} from './credentials';
export { grpcClientSecurity, grpcServerSecurity, type GrpcServerSecurity } from './grpc-transport';
export { issueCertificates, type IssueOptions, type IssueReport } from './issue';
export {
  TRUST_DOMAIN,
  WORKLOADS,
  isWorkloadName,
  spiffeId,
  spiffeIdsOf,
  workloadOf,
  type Workload,
} from './spiffe';
export { ISSUE_USAGE, issueCertificatesCli } from './issue-cli';
