// The unary and server-streaming calls, on the caller's thread (sync stub).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <optional>

#include "client_impl.h"
#include "proto_convert.h"
#include "worldstream/error_reasons.h"

namespace worldstream {

namespace pb = ::worldstream::v1;

namespace detail {

Error error_from_grpc(const grpc::Status& status) {
    return error_from_status(static_cast<int>(status.error_code()), status.error_message(),
                             status.error_details());
}

}  // namespace detail

class Client::Impl {
public:
    explicit Impl(std::shared_ptr<detail::Connection> connection) : connection_(std::move(connection)) {}

    void prepare(grpc::ClientContext& context, double timeout_seconds) const {
        if (timeout_seconds > 0) {
            context.set_deadline(std::chrono::system_clock::now() +
                                 std::chrono::microseconds(static_cast<int64_t>(timeout_seconds * 1e6)));
        }
    }

    pb::WorldStream::Stub& stub() { return *connection_->stub; }
    const ClientOptions& options() const { return connection_->options; }
    std::shared_ptr<detail::Connection> connection() const { return connection_; }

private:
    std::shared_ptr<detail::Connection> connection_;
};

namespace {

Error invalid_options(const std::string& message) {
    Error error;
    error.code = StatusCode::InvalidArgument;
    error.reason = reasons::kClientInvalidOptions;
    error.message = message;
    return error;
}

}  // namespace

bool is_loopback_target(const std::string& endpoint) {
    std::string host = endpoint;
    for (const char* scheme : {"dns:///", "dns:", "ipv4:", "ipv6:"}) {
        if (host.rfind(scheme, 0) == 0) {
            host = host.substr(std::string(scheme).size());
            break;
        }
    }
    if (!host.empty() && host.front() == '[') {
        const auto close = host.find(']');
        host = close == std::string::npos ? host.substr(1) : host.substr(1, close - 1);
    } else if (std::count(host.begin(), host.end(), ':') == 1) {
        host = host.substr(0, host.find(':'));
    }
    if (host == "localhost" || host == "::1") return true;
    // 127.0.0.0/8: four dot-separated numbers, the first 127.
    int parts[4];
    char tail = 0;
    if (std::sscanf(host.c_str(), "%d.%d.%d.%d%c", &parts[0], &parts[1], &parts[2], &parts[3], &tail) != 4) {
        return false;
    }
    for (int p : parts) {
        if (p < 0 || p > 255) return false;
    }
    return parts[0] == 127;
}

Expected<std::unique_ptr<Client>, Error> Client::create(ClientOptions options) {
    if (options.endpoint.empty()) return unexpected(invalid_options("no server endpoint (host:port)"));
    const bool token = !options.access_token.empty();
    if (!options.use_tls && token && !is_loopback_target(options.endpoint)) {
        return unexpected(invalid_options("a token is sent only over TLS or to a loopback address; " +
                                          options.endpoint + " is neither: enable TLS"));
    }
    std::shared_ptr<grpc::ChannelCredentials> credentials;
    if (options.use_tls) {
        grpc::SslCredentialsOptions ssl;
        ssl.pem_root_certs = options.root_certificates_pem;
        credentials = grpc::SslCredentials(ssl);
    } else if (token) {
        // Plaintext to this machine: gRPC attaches call credentials to local connections only.
        credentials = grpc::experimental::LocalCredentials(LOCAL_TCP);
    } else {
        credentials = grpc::InsecureChannelCredentials();
    }
    if (token) {
        credentials = grpc::CompositeChannelCredentials(credentials, grpc::AccessTokenCredentials(options.access_token));
    }
    auto connection = std::make_shared<detail::Connection>();
    // The server never sends a message above gRPC's default 4 MiB receive limit, so the
    // channel keeps gRPC's defaults (proto/worldstream/v1/worldstream.proto, size limits).
    grpc::ChannelArguments arguments;
    if (options.max_reconnect_backoff_seconds > 0) {
        const int max_ms = static_cast<int>(std::min(options.max_reconnect_backoff_seconds, 3600.0) * 1000);
        arguments.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, max_ms);
        arguments.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, std::min(max_ms, 1000));
        arguments.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, std::min(max_ms, 1000));
    }
    if (options.keepalive_seconds > 0) {
        const auto ms = [](double seconds) {
            return static_cast<int>(std::min(seconds, 86400.0) * 1000);
        };
        arguments.SetInt(GRPC_ARG_KEEPALIVE_TIME_MS, ms(options.keepalive_seconds));
        arguments.SetInt(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, ms(options.keepalive_timeout_seconds));
        // Newer gRPC also times each ping out on its own (a minute by default); older gRPC, as
        // Debian's, has no such setting and ignores the name.
        arguments.SetInt("grpc.http2.ping_timeout_ms", ms(options.keepalive_timeout_seconds));
        // Pinging goes on while a stream is idle (a camera standing still), not twice only.
        arguments.SetInt(GRPC_ARG_HTTP2_MAX_PINGS_WITHOUT_DATA, 0);
    }
    connection->channel = grpc::CreateCustomChannel(options.endpoint, credentials, arguments);
    connection->stub = pb::WorldStream::NewStub(connection->channel);
    connection->options = std::move(options);
    return std::unique_ptr<Client>(new Client(std::make_unique<Impl>(std::move(connection))));
}

Client::Client(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Client::~Client() = default;

Expected<WorldInfo, Error> Client::create_world(const std::string& photo, const CreateWorldOptions& options,
                                                const std::function<void(const Progress&)>& on_progress) {
    pb::CreateWorldRequest request;
    request.set_world_id(options.world_id);
    request.set_display_name(options.display_name);
    request.set_photo(photo);
    request.mutable_options()->set_generator(options.generator);
    request.mutable_options()->set_horizontal_fov_degrees(options.horizontal_fov_degrees);
    request.mutable_options()->set_tile_size_m(options.tile_size_m);
    request.mutable_options()->set_max_side_px(options.max_side_px);
    grpc::ClientContext context;
    impl_->prepare(context, options.timeout_seconds);
    auto reader = impl_->stub().CreateWorld(&context, request);
    pb::CreateWorldResponse response;
    std::optional<WorldInfo> world;
    while (reader->Read(&response)) {
        if (response.has_progress() && on_progress) on_progress(convert::progress(response.progress()));
        if (response.has_world()) world = convert::world(response.world());
    }
    grpc::Status status = reader->Finish();
    if (!status.ok()) return unexpected(detail::error_from_grpc(status));
    if (!world) {
        Error error;
        error.code = StatusCode::Internal;
        error.message = "CreateWorld ended without the world";
        return unexpected(std::move(error));
    }
    return *world;
}

Expected<WorldInfo, Error> Client::get_world(const std::string& name) {
    pb::GetWorldRequest request;
    request.set_name(name);
    pb::GetWorldResponse response;
    grpc::ClientContext context;
    impl_->prepare(context, impl_->options().call_timeout_seconds);
    grpc::Status status = impl_->stub().GetWorld(&context, request, &response);
    if (!status.ok()) return unexpected(detail::error_from_grpc(status));
    return convert::world(response.world());
}

Expected<std::vector<WorldInfo>, Error> Client::list_worlds(int32_t page_size) {
    std::vector<WorldInfo> worlds;
    std::string token;
    do {
        pb::ListWorldsRequest request;
        request.set_page_size(page_size);
        request.set_page_token(token);
        pb::ListWorldsResponse response;
        grpc::ClientContext context;
        impl_->prepare(context, impl_->options().call_timeout_seconds);
        grpc::Status status = impl_->stub().ListWorlds(&context, request, &response);
        if (!status.ok()) return unexpected(detail::error_from_grpc(status));
        for (const auto& w : response.worlds()) worlds.push_back(convert::world(w));
        token = response.next_page_token();
    } while (!token.empty());
    return worlds;
}

Expected<Done, Error> Client::delete_world(const std::string& name) {
    pb::DeleteWorldRequest request;
    request.set_name(name);
    pb::DeleteWorldResponse response;
    grpc::ClientContext context;
    impl_->prepare(context, impl_->options().call_timeout_seconds);
    grpc::Status status = impl_->stub().DeleteWorld(&context, request, &response);
    if (!status.ok()) return unexpected(detail::error_from_grpc(status));
    return Done{};
}

std::unique_ptr<ExploreSession> Client::explore(ExploreOptions options) {
    return detail::start_explore(impl_->connection(), std::move(options));
}

}  // namespace worldstream
