import { Metadata, type status as GrpcStatus } from '@grpc/grpc-js';
import { BinaryReader, BinaryWriter } from '@bufbuild/protobuf/wire';
import { isErrorCode, type AppError, type ErrorCode, type ErrorDetail } from '@shop/errors';

/**
 * The rich error model of gRPC (https://google.aip.dev/193): the trailer carries a binary
 * `google.rpc.Status` with the status code, the message and typed details. Two detail types are used,
 * so that any gRPC client can read them with the standard protos:
 * - `google.rpc.ErrorInfo` whose `reason` is the AppError code, which tells apart codes that share a
 *   gRPC status (IDEMPOTENCY_KEY_REUSED is a FAILED_PRECONDITION);
 * - `google.rpc.BadRequest` with one field violation per ErrorDetail (`field` as a JSON path such as
 *   `items[0].quantity`, or empty; `description` the message).
 * The four messages are small and fixed, so they are declared here against the wire format rather
 * than generated from google's protos.
 */
export const STATUS_DETAILS_KEY = 'grpc-status-details-bin';

/** ErrorInfo.domain: the system whose codes `reason` holds. */
export const ERROR_DOMAIN = 'shop.local';

const TYPE_URL_PREFIX = 'type.googleapis.com/';
const ERROR_INFO = 'google.rpc.ErrorInfo';
const BAD_REQUEST = 'google.rpc.BadRequest';

interface Any {
  typeUrl: string;
  value: Uint8Array;
}

/** google.rpc.ErrorInfo { string reason = 1; string domain = 2; map<string, string> metadata = 3; } */
function encodeErrorInfo(reason: string): Uint8Array {
  return new BinaryWriter().uint32(10).string(reason).uint32(18).string(ERROR_DOMAIN).finish();
}

/**
 * google.rpc.BadRequest { repeated FieldViolation field_violations = 1; }
 * FieldViolation { string field = 1; string description = 2; ... }
 */
function encodeBadRequest(details: readonly ErrorDetail[]): Uint8Array {
  const writer = new BinaryWriter();
  for (const detail of details) {
    writer.uint32(10).fork();
    if (detail.field) writer.uint32(10).string(detail.field);
    writer.uint32(18).string(detail.message);
    writer.join();
  }
  return writer.finish();
}

/** google.rpc.Status { int32 code = 1; string message = 2; repeated google.protobuf.Any details = 3; } */
function encodeStatus(code: GrpcStatus, message: string, details: readonly Any[]): Uint8Array {
  const writer = new BinaryWriter().uint32(8).int32(code).uint32(18).string(message);
  for (const any of details) {
    // google.protobuf.Any { string type_url = 1; bytes value = 2; }
    writer.uint32(26).fork().uint32(10).string(any.typeUrl).uint32(18).bytes(any.value).join();
  }
  return writer.finish();
}

/** Calls `onField` with each field of a message; unknown fields are skipped, as protobuf requires. */
function readFields(bytes: Uint8Array, onField: (field: number, reader: BinaryReader) => boolean): void {
  const reader = new BinaryReader(bytes);
  while (reader.pos < reader.len) {
    const [field, wireType] = reader.tag();
    if (!onField(field, reader)) reader.skip(wireType);
  }
}

function decodeAny(bytes: Uint8Array): Any {
  const any: Any = { typeUrl: '', value: new Uint8Array() };
  readFields(bytes, (field, reader) => {
    if (field === 1) any.typeUrl = reader.string();
    else if (field === 2) any.value = reader.bytes();
    else return false;
    return true;
  });
  return any;
}

/** ErrorInfo's reason, when its domain is ours (another system's reasons are not our codes). */
function decodeReason(bytes: Uint8Array): string | undefined {
  let reason = '';
  let domain = '';
  readFields(bytes, (field, reader) => {
    if (field === 1) reason = reader.string();
    else if (field === 2) domain = reader.string();
    else return false;
    return true;
  });
  return domain === ERROR_DOMAIN ? reason : undefined;
}

function decodeFieldViolation(bytes: Uint8Array): ErrorDetail {
  let fieldPath = '';
  let message = '';
  readFields(bytes, (field, reader) => {
    if (field === 1) fieldPath = reader.string();
    else if (field === 2) message = reader.string();
    else return false;
    return true;
  });
  return fieldPath ? { field: fieldPath, message } : { message };
}

function decodeBadRequest(bytes: Uint8Array): ErrorDetail[] {
  const details: ErrorDetail[] = [];
  readFields(bytes, (field, reader) => {
    if (field !== 1) return false;
    details.push(decodeFieldViolation(reader.bytes()));
    return true;
  });
  return details;
}

/**
 * The trailer for an AppError answered with `code`: its code as ErrorInfo.reason and its details as a
 * BadRequest. A bug (INTERNAL) gets none: there is nothing about it a client should read.
 */
export function statusDetailsMetadata(error: AppError, code: GrpcStatus): Metadata {
  const metadata = new Metadata();
  if (error.code === 'INTERNAL') return metadata;
  const details: Any[] = [{ typeUrl: TYPE_URL_PREFIX + ERROR_INFO, value: encodeErrorInfo(error.code) }];
  if (error.details.length > 0)
    details.push({ typeUrl: TYPE_URL_PREFIX + BAD_REQUEST, value: encodeBadRequest(error.details) });
  metadata.set(STATUS_DETAILS_KEY, Buffer.from(encodeStatus(code, error.message, details)));
  return metadata;
}

export interface StatusDetails {
  /** The AppError code the server sent (ErrorInfo.reason in our domain), if any. */
  code?: ErrorCode;
  details: ErrorDetail[];
}

/** Reads the trailer back; one that is missing or cannot be decoded reads as no details. */
export function statusDetailsFromMetadata(metadata: Metadata | undefined): StatusDetails {
  const [value] = metadata?.get(STATUS_DETAILS_KEY) ?? [];
  if (!Buffer.isBuffer(value)) return { details: [] };
  const found: StatusDetails = { details: [] };
  try {
    readFields(value, (field, reader) => {
      if (field !== 3) return false;
      const any = decodeAny(reader.bytes());
      if (any.typeUrl.endsWith(`/${ERROR_INFO}`)) {
        const reason = decodeReason(any.value);
        if (reason !== undefined && isErrorCode(reason)) found.code = reason;
      } else if (any.typeUrl.endsWith(`/${BAD_REQUEST}`)) {
        found.details.push(...decodeBadRequest(any.value));
      }
      return true;
    });
  } catch {
    return { details: [] };
  }
  return found;
}
