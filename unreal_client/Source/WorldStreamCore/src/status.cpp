// Code names, retry advice and the Error text. Reading the details trailer needs protobuf and
// lives in status_details.cpp.
#include "worldstream/status.h"

#include "worldstream/error_reasons.h"

namespace worldstream {

namespace {

constexpr const char* kNames[] = {
    "OK",        "CANCELLED",          "UNKNOWN",   "INVALID_ARGUMENT", "DEADLINE_EXCEEDED",
    "NOT_FOUND", "ALREADY_EXISTS",     "PERMISSION_DENIED", "RESOURCE_EXHAUSTED",
    "FAILED_PRECONDITION", "ABORTED",  "OUT_OF_RANGE", "UNIMPLEMENTED", "INTERNAL",
    "UNAVAILABLE", "DATA_LOSS",        "UNAUTHENTICATED",
};
constexpr int kCodes = sizeof kNames / sizeof kNames[0];

}  // namespace

const std::array<StatusCode, 17> kAllStatusCodes = {
    StatusCode::Ok,           StatusCode::Cancelled,          StatusCode::Unknown,
    StatusCode::InvalidArgument, StatusCode::DeadlineExceeded, StatusCode::NotFound,
    StatusCode::AlreadyExists, StatusCode::PermissionDenied,  StatusCode::ResourceExhausted,
    StatusCode::FailedPrecondition, StatusCode::Aborted,      StatusCode::OutOfRange,
    StatusCode::Unimplemented, StatusCode::Internal,          StatusCode::Unavailable,
    StatusCode::DataLoss,     StatusCode::Unauthenticated,
};

StatusCode status_code_from_number(int number) {
    return number >= 0 && number < kCodes ? static_cast<StatusCode>(number) : StatusCode::Unknown;
}

const char* status_code_name(StatusCode code) {
    const int n = static_cast<int>(code);
    return n >= 0 && n < kCodes ? kNames[n] : "UNKNOWN";
}

RetryAdvice retry_advice(StatusCode code, const std::string& reason) {
    switch (code) {
        case StatusCode::Ok:
            return RetryAdvice::None;
        case StatusCode::Cancelled:
            return RetryAdvice::Abandon;
        case StatusCode::ResourceExhausted:
            // A limit that waiting does not lift: the caller must delete a world, or an
            // operator must free the disk. Sessions and creations end by themselves.
            return reason == reasons::kWorldLimitReached || reason == reasons::kStorageFull
                       ? RetryAdvice::DoNotRetry
                       : RetryAdvice::RetryWithBackoff;
        case StatusCode::DeadlineExceeded:
        case StatusCode::Aborted:
        case StatusCode::Unavailable:
            return RetryAdvice::RetryWithBackoff;
        case StatusCode::FailedPrecondition:
            return reason == reasons::kWorldNotReady ? RetryAdvice::RetryWhenStateChanges
                                                     : RetryAdvice::DoNotRetry;
        case StatusCode::Unauthenticated:
        case StatusCode::PermissionDenied:
            return RetryAdvice::Reauthenticate;
        case StatusCode::Unknown:
        case StatusCode::InvalidArgument:
        case StatusCode::NotFound:
        case StatusCode::AlreadyExists:
        case StatusCode::OutOfRange:
        case StatusCode::Unimplemented:
        case StatusCode::Internal:
        case StatusCode::DataLoss:
            return RetryAdvice::DoNotRetry;
    }
    return RetryAdvice::DoNotRetry;
}

const char* retry_advice_name(RetryAdvice advice) {
    switch (advice) {
        case RetryAdvice::None: return "None";
        case RetryAdvice::DoNotRetry: return "DoNotRetry";
        case RetryAdvice::RetryWithBackoff: return "RetryWithBackoff";
        case RetryAdvice::RetryWhenStateChanges: return "RetryWhenStateChanges";
        case RetryAdvice::Reauthenticate: return "Reauthenticate";
        case RetryAdvice::Abandon: return "Abandon";
    }
    return "?";
}

std::string Error::to_string() const {
    std::string text = std::string(status_code_name(code)) + ": " + message;
    if (!reason.empty()) text += " (" + reason + ")";
    return text;
}

Error error_from_status(int code, const std::string& message, const std::string& details) {
    if (!details.empty()) {
        auto parsed = parse_status_details(details);
        if (parsed) {
            Error error = std::move(parsed.value());
            // The transport's code and message are the call's; the trailer adds the reason.
            error.code = status_code_from_number(code);
            error.message = message;
            return error;
        }
    }
    Error error;
    error.code = status_code_from_number(code);
    error.message = message;
    return error;
}

}  // namespace worldstream
