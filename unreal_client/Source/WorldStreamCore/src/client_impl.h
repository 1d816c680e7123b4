// What Client and ExploreSession share inside the core: the channel and the stub.
#pragma once

#include <grpcpp/grpcpp.h>

#include <memory>

#include "worldstream/client.h"
#include "worldstream/v1/worldstream.grpc.pb.h"

namespace worldstream::detail {

struct Connection {
    std::shared_ptr<grpc::Channel> channel;
    std::unique_ptr<::worldstream::v1::WorldStream::Stub> stub;
    ClientOptions options;
};

Error error_from_grpc(const grpc::Status& status);

std::unique_ptr<ExploreSession> start_explore(std::shared_ptr<Connection> connection, ExploreOptions options);

}  // namespace worldstream::detail
