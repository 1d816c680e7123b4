// The `grpc-status-details-bin` trailer: google.rpc.Status { int32 code = 1; string message = 2;
// repeated google.protobuf.Any details = 3; } with an Any holding google.rpc.ErrorInfo
// { string reason = 1; string domain = 2; map<string, string> metadata = 3; }.
//
// Read with protobuf's CodedInputStream rather than generated classes: the googleapis protos
// ship neither with Debian's libprotobuf-dev nor with Unreal, and three small messages do not
// justify vendoring and compiling them.
#include <google/protobuf/io/coded_stream.h>

#include <cstdint>
#include <string>

#include "worldstream/status.h"

namespace worldstream {

namespace {

using google::protobuf::io::CodedInputStream;

constexpr const char* kErrorInfoType = "type.googleapis.com/google.rpc.ErrorInfo";

enum WireType : uint32_t { kVarint = 0, kFixed64 = 1, kLengthDelimited = 2, kFixed32 = 5 };

// A cursor over one message's bytes; every read reports failure instead of reading past them.
class Reader {
public:
    Reader(const uint8_t* data, int size) : input_(data, size) {}

    // The next field; false at the end of the message, or on a malformed tag (see failed()).
    bool next() {
        tag_ = input_.ReadTag();
        if (tag_ != 0) return true;
        failed_ = failed_ || !input_.ConsumedEntireMessage();
        return false;
    }
    uint32_t field() const { return tag_ >> 3; }
    uint32_t wire_type() const { return tag_ & 7; }
    bool failed() const { return failed_; }

    bool read_varint(uint64_t& value) { return ok(input_.ReadVarint64(&value)); }

    bool read_bytes(std::string& value) {
        uint32_t length = 0;
        if (!ok(input_.ReadVarint32(&length))) return false;
        if (length > static_cast<uint32_t>(INT32_MAX)) return ok(false);
        return ok(input_.ReadString(&value, static_cast<int>(length)));
    }

    bool skip() {
        uint64_t ignored64 = 0;
        uint32_t ignored32 = 0;
        std::string ignored;
        switch (wire_type()) {
            case kVarint: return read_varint(ignored64);
            case kFixed64: return ok(input_.ReadLittleEndian64(&ignored64));
            case kLengthDelimited: return read_bytes(ignored);
            case kFixed32: return ok(input_.ReadLittleEndian32(&ignored32));
            default: return ok(false);  // groups are not in these messages
        }
    }

private:
    bool ok(bool read) {
        failed_ = failed_ || !read;
        return read;
    }

    CodedInputStream input_;
    uint32_t tag_ = 0;
    bool failed_ = false;
};

Reader reader_of(const std::string& bytes) {
    return Reader(reinterpret_cast<const uint8_t*>(bytes.data()), static_cast<int>(bytes.size()));
}

bool read_map_entry(const std::string& bytes, Error& error) {
    std::string key, value;
    Reader entry = reader_of(bytes);
    while (entry.next()) {
        if (entry.field() == 1 && entry.wire_type() == kLengthDelimited) entry.read_bytes(key);
        else if (entry.field() == 2 && entry.wire_type() == kLengthDelimited) entry.read_bytes(value);
        else entry.skip();
        if (entry.failed()) return false;
    }
    if (entry.failed()) return false;
    error.metadata[key] = value;
    return true;
}

bool read_error_info(const std::string& bytes, Error& error) {
    Reader info = reader_of(bytes);
    std::string entry;
    while (info.next()) {
        if (info.field() == 1 && info.wire_type() == kLengthDelimited) {
            info.read_bytes(error.reason);
        } else if (info.field() == 2 && info.wire_type() == kLengthDelimited) {
            info.read_bytes(error.domain);
        } else if (info.field() == 3 && info.wire_type() == kLengthDelimited) {
            if (info.read_bytes(entry) && !read_map_entry(entry, error)) return false;
        } else {
            info.skip();
        }
        if (info.failed()) return false;
    }
    return !info.failed();
}

// One Any of Status.details; the first ErrorInfo wins.
bool read_any(const std::string& bytes, Error& error, bool& found) {
    std::string type, value;
    Reader any = reader_of(bytes);
    while (any.next()) {
        if (any.field() == 1 && any.wire_type() == kLengthDelimited) any.read_bytes(type);
        else if (any.field() == 2 && any.wire_type() == kLengthDelimited) any.read_bytes(value);
        else any.skip();
        if (any.failed()) return false;
    }
    if (any.failed()) return false;
    if (found || type != kErrorInfoType) return true;
    found = true;
    return read_error_info(value, error);
}

}  // namespace

Expected<Error, StatusDetailsFormatError> parse_status_details(const std::string& bytes) {
    if (bytes.size() > static_cast<std::size_t>(INT32_MAX)) {
        return unexpected(StatusDetailsFormatError{"the status trailer is larger than 2 GiB"});
    }
    Error error;
    error.code = StatusCode::Ok;
    bool found = false;
    Reader status = reader_of(bytes);
    std::string any;
    while (status.next()) {
        uint64_t code = 0;
        if (status.field() == 1 && status.wire_type() == kVarint) {
            // int32 on the wire: a negative code is sign-extended to 64 bits.
            if (status.read_varint(code)) error.code = status_code_from_number(static_cast<int32_t>(code));
        } else if (status.field() == 2 && status.wire_type() == kLengthDelimited) {
            status.read_bytes(error.message);
        } else if (status.field() == 3 && status.wire_type() == kLengthDelimited) {
            if (status.read_bytes(any) && !read_any(any, error, found)) {
                return unexpected(StatusDetailsFormatError{"a detail of the google.rpc.Status is malformed"});
            }
        } else {
            status.skip();
        }
        if (status.failed()) break;
    }
    if (status.failed()) {
        return unexpected(StatusDetailsFormatError{"the status trailer is not a google.rpc.Status"});
    }
    return error;
}

}  // namespace worldstream
