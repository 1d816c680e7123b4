// Every gRPC status code maps to one typed error with retry advice; the details trailer gives
// the ErrorInfo reason and metadata.
#include <set>

#include "harness.h"
#include "worldstream/error_reasons.h"
#include "worldstream/status.h"

using namespace worldstream;
using namespace wstest;

namespace {

// A google.rpc.Status as Python's protobuf serializes it (tests/test_unreal_core.py checks that
// these bytes are what status_pb2 writes): code 5 (NOT_FOUND), message
// "world worlds/nope does not exist", one ErrorInfo(reason WORLD_NOT_FOUND, domain worldstream,
// metadata {world: worlds/nope}). The Unity client's StatusCases.cs holds the same bytes.
const char* const kNotFoundStatusHex =
    "08051220776f726c6420776f726c64732f6e6f706520646f6573206e6f742065786973741a600a287479"
    "70652e676f6f676c65617069732e636f6d2f676f6f676c652e7270632e4572726f72496e666f12340a0f"
    "574f524c445f4e4f545f464f554e44120b776f726c6473747265616d1a140a05776f726c64120b776f72"
    "6c64732f6e6f7065";

std::string bytes_of(const std::string& hex) {
    std::string bytes;
    for (std::size_t i = 0; i < hex.size(); i += 2) bytes += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
    return bytes;
}

}  // namespace

WS_TEST(every_grpc_code_has_its_own_name_and_advice) {
    const char* names[] = {"OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND",
                           "ALREADY_EXISTS", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION",
                           "ABORTED", "OUT_OF_RANGE", "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS",
                           "UNAUTHENTICATED"};
    check_eq(std::size_t{17}, kAllStatusCodes.size(), "codes");
    std::set<int> seen;
    for (int n = 0; n < 17; ++n) {
        const StatusCode code = status_code_from_number(n);
        check_eq(n, static_cast<int>(code), std::string("number of ") + names[n]);
        check(kAllStatusCodes[n] == code, std::string("the table holds ") + names[n]);
        check_eq(std::string(names[n]), std::string(status_code_name(code)), "name of code " + std::to_string(n));
        check(seen.insert(static_cast<int>(code)).second, "code " + std::to_string(n) + " maps to its own value");
        const RetryAdvice advice = retry_advice(code, "");
        check(n == 0 ? advice == RetryAdvice::None : advice != RetryAdvice::None,
              std::string(names[n]) + " advice " + retry_advice_name(advice));
    }
}

WS_TEST(numbers_outside_grpc_read_as_unknown) {
    check(status_code_from_number(17) == StatusCode::Unknown, "17");
    check(status_code_from_number(-1) == StatusCode::Unknown, "-1");
    check(error_from_status(99, "x", "").code == StatusCode::Unknown, "99");
}

WS_TEST(advice_follows_the_codes_meaning_and_the_reason) {
    check(retry_advice(StatusCode::Unavailable, "") == RetryAdvice::RetryWithBackoff, "UNAVAILABLE");
    check(retry_advice(StatusCode::DeadlineExceeded, "") == RetryAdvice::RetryWithBackoff, "DEADLINE_EXCEEDED");
    check(retry_advice(StatusCode::InvalidArgument, reasons::kPhotoTooLarge) == RetryAdvice::DoNotRetry, "INVALID_ARGUMENT");
    check(retry_advice(StatusCode::NotFound, reasons::kWorldNotFound) == RetryAdvice::DoNotRetry, "NOT_FOUND");
    check(retry_advice(StatusCode::FailedPrecondition, reasons::kWorldNotReady) == RetryAdvice::RetryWhenStateChanges,
          "WORLD_NOT_READY");
    check(retry_advice(StatusCode::FailedPrecondition, reasons::kDepthModelFailed) == RetryAdvice::DoNotRetry,
          "DEPTH_MODEL_FAILED");
    check(retry_advice(StatusCode::Unauthenticated, "") == RetryAdvice::Reauthenticate, "UNAUTHENTICATED");
    check(retry_advice(StatusCode::Cancelled, "") == RetryAdvice::Abandon, "CANCELLED");
    check(retry_advice(StatusCode::ResourceExhausted, reasons::kSessionLimitReached) == RetryAdvice::RetryWithBackoff,
          "SESSION_LIMIT_REACHED: sessions end by themselves");
    check(retry_advice(StatusCode::ResourceExhausted, "") == RetryAdvice::RetryWithBackoff,
          "gRPC's own RESOURCE_EXHAUSTED");
    check(retry_advice(StatusCode::ResourceExhausted, reasons::kWorldLimitReached) == RetryAdvice::DoNotRetry,
          "WORLD_LIMIT_REACHED: delete a world first");
    check(retry_advice(StatusCode::ResourceExhausted, reasons::kStorageFull) == RetryAdvice::DoNotRetry,
          "STORAGE_FULL: an operator must act");
    check(retry_advice(StatusCode::Unauthenticated, reasons::kTokenInvalid) == RetryAdvice::Reauthenticate,
          "TOKEN_INVALID");
}

WS_TEST(the_status_trailer_gives_code_reason_domain_and_metadata) {
    auto parsed = parse_status_details(bytes_of(kNotFoundStatusHex));
    check(parsed.ok(), "parses");
    const Error& e = parsed.value();
    check(e.code == StatusCode::NotFound, "code");
    check_eq(std::string("world worlds/nope does not exist"), e.message, "message");
    check_eq(std::string(reasons::kWorldNotFound), e.reason, "reason");
    check_eq(std::string(reasons::kDomain), e.domain, "domain");
    check_eq(std::string("worlds/nope"), e.metadata.at("world"), "metadata");
    check(e.advice() == RetryAdvice::DoNotRetry, "advice");
    check_eq(std::string("NOT_FOUND: world worlds/nope does not exist (WORLD_NOT_FOUND)"), e.to_string(), "text");
}

WS_TEST(a_status_from_the_transport_keeps_its_code_and_message_whatever_the_trailer) {
    const Error full = error_from_status(5, "gone", bytes_of(kNotFoundStatusHex));
    check(full.code == StatusCode::NotFound && full.message == "gone" && full.reason == reasons::kWorldNotFound,
          "the trailer adds the reason");
    const Error bare = error_from_status(14, "connection refused", "");
    check(bare.code == StatusCode::Unavailable && bare.reason.empty(), "no trailer: code and message only");
    const Error broken = error_from_status(3, "bad", std::string("\xff\xff\xff", 3));
    check(broken.code == StatusCode::InvalidArgument && broken.message == "bad" && broken.reason.empty(),
          "an unreadable trailer leaves code and message");
}

WS_TEST(an_unknown_detail_before_the_error_info_is_skipped) {
    // Status{code 9, details [Any{type "x/other", value "zz"}, Any{ErrorInfo{reason "WORLD_NOT_READY"}}]}
    std::string info = "\x0a\x0fWORLD_NOT_READY";
    std::string any_info = std::string("\x0a\x28type.googleapis.com/google.rpc.ErrorInfo") + "\x12" +
                           static_cast<char>(info.size()) + info;
    std::string other = std::string("\x0a\x07x/other\x12\x02zz");
    std::string status = std::string("\x08\x09") + "\x1a" + static_cast<char>(other.size()) + other + "\x1a" +
                         static_cast<char>(any_info.size()) + any_info + "\x28\x01";  // and an unknown field 5
    auto parsed = parse_status_details(status);
    check(parsed.ok(), "parses");
    check(parsed->code == StatusCode::FailedPrecondition, "code");
    check_eq(std::string(reasons::kWorldNotReady), parsed->reason, "reason");
    check(parsed->advice() == RetryAdvice::RetryWhenStateChanges, "advice");
}
