// Failed calls as typed values: the gRPC code (one to one, gRPC's numbers), the
// google.rpc.ErrorInfo reason of docs/errors.md, the message for people and the metadata.
#pragma once

#include <array>
#include <map>
#include <string>

#include "worldstream/expected.h"

namespace worldstream {

// gRPC status codes with gRPC's numbers (grpc::StatusCode); the public headers name no gRPC
// type, so the client casts between the two. tests/test_unreal_core.py checks the numbers.
enum class StatusCode : int {
    Ok = 0,
    Cancelled = 1,
    Unknown = 2,
    InvalidArgument = 3,
    DeadlineExceeded = 4,
    NotFound = 5,
    AlreadyExists = 6,
    PermissionDenied = 7,
    ResourceExhausted = 8,
    FailedPrecondition = 9,
    Aborted = 10,
    OutOfRange = 11,
    Unimplemented = 12,
    Internal = 13,
    Unavailable = 14,
    DataLoss = 15,
    Unauthenticated = 16,
};

// What a caller should do about a failed call.
enum class RetryAdvice {
    None,                   // the call succeeded
    DoNotRetry,             // the same request fails the same way: fix it
    RetryWithBackoff,       // transient: retry after a delay (Explore resumes with its manifest)
    RetryWhenStateChanges,  // fine request, state not ready yet (WORLD_NOT_READY)
    Reauthenticate,         // credentials missing or refused
    Abandon,                // the caller cancelled
};

// Every code gRPC defines, in number order.
extern const std::array<StatusCode, 17> kAllStatusCodes;

// A wire number; numbers gRPC does not define read as Unknown.
StatusCode status_code_from_number(int number);

// The canonical UPPER_SNAKE name ("NOT_FOUND"), as in the gRPC spec and docs/errors.md.
const char* status_code_name(StatusCode code);

// gRPC's status code guide, refined by the reason where the server says more.
RetryAdvice retry_advice(StatusCode code, const std::string& reason);

const char* retry_advice_name(RetryAdvice advice);

// A failed call. `reason` is empty when the server sent no ErrorInfo (gRPC's own
// RESOURCE_EXHAUSTED, a transport failure, an error made on this side).
struct Error {
    StatusCode code = StatusCode::Unknown;
    std::string message;
    std::string reason;
    std::string domain;
    std::map<std::string, std::string> metadata;

    RetryAdvice advice() const { return retry_advice(code, reason); }
    // "NOT_FOUND: world worlds/nope does not exist (WORLD_NOT_FOUND)"
    std::string to_string() const;
};

// A trailer that is not a google.rpc.Status.
struct StatusDetailsFormatError {
    std::string message;
};

// Reads the `grpc-status-details-bin` trailer (grpc::Status::error_details()): a serialized
// google.rpc.Status whose details hold a google.rpc.ErrorInfo. Code and message come from the
// Status; reason, domain and metadata from its first ErrorInfo. Unknown fields are skipped.
Expected<Error, StatusDetailsFormatError> parse_status_details(const std::string& bytes);

// The Error for a status as the transport reports it: code number, message and the raw
// details trailer (may be empty). A trailer that cannot be read still leaves code and message.
Error error_from_status(int code, const std::string& message, const std::string& details);

}  // namespace worldstream
