// What the Explore worker sends at each (re)connect, against a scripted in-process server: the
// held tiles and ExploreStart.world_uid, with the events still queued for the game thread
// replayed onto its snapshot, a header of another world instance included.
#include <grpcpp/grpcpp.h>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

#include "harness.h"
#include "vectors.h"
#include "worldstream/client.h"
#include "worldstream/explore_driver.h"
#include "worldstream/v1/worldstream.grpc.pb.h"

using namespace worldstream;
using namespace wstest;

namespace pb = ::worldstream::v1;

namespace {

using Stream = grpc::ServerReaderWriter<pb::ExploreResponse, pb::ExploreRequest>;
// One connection's script: what the server answers to the start it read.
using Script = std::function<grpc::Status(Stream&, const pb::ExploreStart&)>;

// An Explore service that runs connection i by scripts[i] and records every start it reads.
class ScriptedService final : public pb::WorldStream::Service {
public:
    explicit ScriptedService(std::vector<Script> scripts) : scripts_(std::move(scripts)) {}

    grpc::Status Explore(grpc::ServerContext*, Stream* stream) override {
        pb::ExploreRequest first;
        if (!stream->Read(&first) || !first.has_start()) {
            return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "no start");
        }
        std::size_t index = 0;
        {
            std::lock_guard<std::mutex> lock(mutex_);
            index = starts_.size();
            starts_.push_back(first.start());
        }
        changed_.notify_all();
        if (index >= scripts_.size()) return grpc::Status(grpc::StatusCode::NOT_FOUND, "the script has ended");
        return scripts_[index](*stream, first.start());
    }

    // Waits until `count` starts have arrived; returns them.
    std::vector<pb::ExploreStart> starts(std::size_t count) {
        std::unique_lock<std::mutex> lock(mutex_);
        if (!changed_.wait_for(lock, std::chrono::seconds(20), [&] { return starts_.size() >= count; })) {
            fail("only " + std::to_string(starts_.size()) + " of " + std::to_string(count) + " connections came");
        }
        return starts_;
    }

private:
    std::vector<Script> scripts_;
    std::mutex mutex_;
    std::condition_variable changed_;
    std::vector<pb::ExploreStart> starts_;
};

class ScriptedServer {
public:
    explicit ScriptedServer(std::vector<Script> scripts) : service(std::move(scripts)) {
        grpc::ServerBuilder builder;
        builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port_);
        builder.RegisterService(&service);
        server_ = builder.BuildAndStart();
        if (!server_ || port_ == 0) fail("the scripted server did not start");
    }
    ~ScriptedServer() { server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2)); }

    std::string endpoint() const { return "127.0.0.1:" + std::to_string(port_); }

    ScriptedService service;

private:
    int port_ = 0;
    std::unique_ptr<grpc::Server> server_;
};

// A WSRF payload of `splats` equal splats, in Unreal's frame.
std::string payload_of(uint32_t splats) {
    DecodedTile tile;
    tile.engine_frame = 3;
    tile.splat_count = splats;
    for (uint32_t i = 0; i < splats; ++i) {
        tile.positions.insert(tile.positions.end(), {0.5f, 0.5f, 0.5f});
        tile.rotations.insert(tile.rotations.end(), {1, 0, 0, 0});
        tile.log_scales.insert(tile.log_scales.end(), {-3, -3, -3});
        tile.opacity_logits.push_back(2);
        tile.sh.insert(tile.sh.end(), {0.1f, 0.2f, 0.3f});
    }
    const std::vector<uint8_t> bytes = write_raw(tile);
    return std::string(bytes.begin(), bytes.end());
}

void write_header(Stream& stream, const std::string& uid) {
    pb::ExploreResponse response;
    pb::ExploreHeader* header = response.mutable_header();
    header->mutable_world()->set_name("worlds/lobby");
    header->mutable_world()->set_uid(uid);
    header->set_engine_frame(pb::ENGINE_FRAME_UNREAL);
    header->set_encoding(pb::TILE_ENCODING_RAW_F32);
    header->set_splat_budget(1000);
    stream.Write(response);
}

void write_tile(Stream& stream, const TileKey& key, int64_t version, uint32_t splats = 1) {
    const std::string payload = payload_of(splats);
    pb::ExploreResponse response;
    pb::TileChunk* chunk = response.mutable_tile_chunk();
    chunk->mutable_key()->set_x(key.x);
    chunk->mutable_key()->set_y(key.y);
    chunk->mutable_key()->set_z(key.z);
    chunk->mutable_key()->set_lod(key.lod);
    chunk->set_version(version);
    chunk->set_encoding(pb::TILE_ENCODING_RAW_F32);
    chunk->set_chunk_index(0);
    chunk->set_chunk_count(1);
    chunk->set_splat_count(splats);
    chunk->set_payload_bytes(static_cast<int64_t>(payload.size()));
    chunk->set_data(payload);
    stream.Write(response);
}

// Streams `uid`'s header and the tiles, then drops the connection (a transient failure).
Script serve(const std::string& uid, std::vector<std::pair<TileKey, int64_t>> tiles) {
    return [uid, tiles](Stream& stream, const pb::ExploreStart&) {
        write_header(stream, uid);
        for (const auto& [key, version] : tiles) write_tile(stream, key, version);
        return grpc::Status(grpc::StatusCode::UNAVAILABLE, "connection dropped by the script");
    };
}

std::vector<HeldTile> held_of(const pb::ExploreStart& start) {
    std::vector<HeldTile> held;
    for (const auto& h : start.held_tiles()) {
        held.push_back({{h.key().x(), h.key().y(), h.key().z(), h.key().lod()}, h.version(), h.splat_count()});
    }
    return held;
}

std::string describe(const std::vector<HeldTile>& tiles) {
    std::string text;
    for (const auto& t : tiles) {
        text += t.key.to_string() + " v" + std::to_string(t.version) + " " + std::to_string(t.splat_count) + " splats; ";
    }
    return text;
}

std::unique_ptr<Client> client_for(const ScriptedServer& server) {
    ClientOptions options;
    options.endpoint = server.endpoint();
    options.call_timeout_seconds = 5;
    options.max_reconnect_backoff_seconds = 0.1;
    auto client = Client::create(options);
    if (!client) fail("client: " + client.error().to_string());
    return std::move(client.value());
}

ExploreOptions reconnecting(std::vector<HeldTile> held, std::string held_uid) {
    ExploreOptions options;
    options.world = "worlds/lobby";
    options.reconnect_initial_seconds = 0.01;
    options.reconnect_max_seconds = 0.05;
    options.held_tiles = std::move(held);
    options.held_world_uid = std::move(held_uid);
    return options;
}

struct NullSink : SplatSink {
    std::size_t tiles = 0;
    void add_tile(int, std::shared_ptr<const DecodedTile>, float) override { ++tiles; }
    void set_tile_alpha(int, float) override {}
    void remove_tile(int) override { --tiles; }
};

const TileKey kOld{9, 0, 9, 0}, kA1{0, 0, 0, 0}, kA2{1, 0, 0, 0}, kB1{0, 0, 0, 1};

}  // namespace

WS_TEST(each_reconnect_sends_the_held_tiles_with_the_uid_of_their_own_world_instance) {
    // Nothing is applied on the game thread here: every manifest is the worker's replay of the
    // events still queued, headers included.
    ScriptedServer server({
        serve("instance-a", {{kA1, 1}}),
        serve("instance-a", {{kA2, 1}}),
        serve("instance-b", {{kB1, 1}}),
    });
    auto client = client_for(server);
    auto session = client->explore(reconnecting({{kOld, 4}}, "instance-old"));
    const auto starts = server.service.starts(4);
    session->stop();

    check_eq(std::string("instance-old"), starts[0].world_uid(), "the first start sends the options' uid");
    check(held_of(starts[0]) == std::vector<HeldTile>{{kOld, 4}}, "with the options' tiles (count unknown)");
    // instance-a's header ended the old instance's tiles (the server sent no removal for them).
    check_eq(std::string("instance-a"), starts[1].world_uid(), "the uid of the header the tiles came after");
    check(held_of(starts[1]) == std::vector<HeldTile>{{kA1, 1, 1}}, "only instance-a's tile: " + describe(held_of(starts[1])));
    // The same instance again: a resume, its tiles stay.
    check_eq(std::string("instance-a"), starts[2].world_uid(), "the same instance");
    check(held_of(starts[2]) == std::vector<HeldTile>{{kA1, 1, 1}, {kA2, 1, 1}}, "both of instance-a's tiles: " + describe(held_of(starts[2])));
    // The world was deleted and created again: none of instance-a's tiles is sent as instance-b's.
    check_eq(std::string("instance-b"), starts[3].world_uid(), "the new instance");
    check(held_of(starts[3]) == std::vector<HeldTile>{{kB1, 1, 1}}, "only instance-b's tile: " + describe(held_of(starts[3])));
}

WS_TEST(the_driver_drops_every_held_tile_when_a_header_names_another_world_instance) {
    std::mutex gate_mutex;
    std::condition_variable gate_changed;
    bool release = false;
    // The second connection waits until the game thread has applied the first one's tiles.
    auto wait_for_release = [&] {
        std::unique_lock<std::mutex> lock(gate_mutex);
        gate_changed.wait_for(lock, std::chrono::seconds(20), [&] { return release; });
    };
    ScriptedServer server({
        serve("instance-a", {{kA1, 1}, {kA2, 1}}),
        [&](Stream& stream, const pb::ExploreStart& start) {
            wait_for_release();
            return serve("instance-b", {{kB1, 1}})(stream, start);
        },
    });
    auto client = client_for(server);
    auto session = client->explore(reconnecting({}, ""));
    NullSink sink;
    std::vector<std::string> seen;
    DriverCallbacks callbacks;
    const TileResidency* residency = nullptr;
    callbacks.connected = [&](const ExploreHeaderInfo& h) {
        seen.push_back("header " + h.world.uid + " holding " + std::to_string(residency->size()));
    };
    ExploreDriver driver(*session, sink, 1000, 0.0, callbacks);
    residency = &driver.residency();
    auto tick_until = [&](const std::function<bool()>& done, const std::string& what) {
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
        while (!done()) {
            if (std::chrono::steady_clock::now() > deadline) fail("timed out: " + what);
            driver.tick(0.0, 1 << 30);
            std::this_thread::sleep_for(std::chrono::milliseconds(2));
        }
    };
    tick_until([&] { return driver.residency().size() == 2; }, "instance-a's tiles");
    check_eq(std::string("instance-a"), driver.residency().world_uid(), "the residency names the instance");
    check(driver.header() && driver.header()->world.uid == "instance-a", "the header's uid is kept");
    {
        std::lock_guard<std::mutex> lock(gate_mutex);
        release = true;
    }
    gate_changed.notify_all();
    const auto starts = server.service.starts(2);
    check_eq(std::string("instance-a"), starts[1].world_uid(), "the reconnect names the held tiles' instance");
    check(held_of(starts[1]) == std::vector<HeldTile>{{kA1, 1, 1}, {kA2, 1, 1}},
          "and sends both tiles with the splats held of each: " + describe(held_of(starts[1])));
    tick_until([&] { return driver.residency().holds(kB1, 1); }, "instance-b's tile");
    session->stop();

    check(seen.size() >= 2 && seen[1] == "header instance-b holding 0",
          "instance-a's tiles were gone when instance-b's header was reported: " + (seen.size() >= 2 ? seen[1] : ""));
    check_eq(std::size_t{1}, driver.residency().size(), "only instance-b's tile is held");
    check_eq(std::size_t{1}, sink.tiles, "and only it is drawn");
    check_eq(std::string("instance-b"), driver.residency().world_uid(), "the residency names the new instance");
    auto manifest = driver.residency().manifest("worlds/lobby");
    check(manifest.ok() && manifest->world_uid() == "instance-b" && manifest->tiles().size() == 1,
          "the manifest for a cache across runs names the new instance");
}

// The server counts a resumed client's holdings against the splat budget with HeldTile.
// splat_count: a tile of an older version can hold another count than the current one, and
// assuming the current one stalled a resume under a tight budget. Every start sends the count
// held of each tile: the options' (a manifest kept across runs), a tile the worker decoded but
// the game thread has not applied, and what the game thread reports holding.
WS_TEST(each_reconnect_sends_the_splat_count_held_of_every_tile) {
    ScriptedServer server({
        [](Stream& stream, const pb::ExploreStart&) {
            write_header(stream, "instance-a");
            write_tile(stream, kA1, 1, 3);
            return grpc::Status(grpc::StatusCode::UNAVAILABLE, "connection dropped by the script");
        },
        [](Stream& stream, const pb::ExploreStart&) {
            write_header(stream, "instance-a");
            // Another level of kA1's cell replaces it, with its own count.
            write_tile(stream, kB1, 2, 5);
            return grpc::Status(grpc::StatusCode::UNAVAILABLE, "connection dropped by the script");
        },
    });
    auto client = client_for(server);
    auto session = client->explore(reconnecting({{kOld, 4, 77}}, "instance-a"));
    const auto starts = server.service.starts(3);
    session->stop();

    check(held_of(starts[0]) == std::vector<HeldTile>{{kOld, 4, 77}},
          "the options' count goes out as it was kept: " + describe(held_of(starts[0])));
    check(held_of(starts[1]) == std::vector<HeldTile>{{kA1, 1, 3}, {kOld, 4, 77}},
          "a queued tile goes out with the splats it decoded to: " + describe(held_of(starts[1])));
    check(held_of(starts[2]) == std::vector<HeldTile>{{kB1, 2, 5}, {kOld, 4, 77}},
          "another level of the cell replaces its count: " + describe(held_of(starts[2])));
}

// ViewStatus.world_version reaches the game thread, and the driver keeps the version of the
// latest complete view while a later view is still on its way.
WS_TEST(the_driver_keeps_the_world_version_of_the_latest_complete_view) {
    std::mutex gate_mutex;
    std::condition_variable gate_changed;
    bool release = false;
    ScriptedServer server({
        [&](Stream& stream, const pb::ExploreStart&) {
            write_header(stream, "instance-a");
            const struct {
                int64_t sequence;
                bool complete;
                int64_t world_version;
            } statuses[] = {{1, false, 3}, {1, true, 4}, {2, false, 5}};
            for (const auto& s : statuses) {
                pb::ExploreResponse response;
                response.mutable_view_status()->set_sequence(s.sequence);
                response.mutable_view_status()->set_complete(s.complete);
                response.mutable_view_status()->set_world_version(s.world_version);
                stream.Write(response);
            }
            std::unique_lock<std::mutex> lock(gate_mutex);
            gate_changed.wait_for(lock, std::chrono::seconds(20), [&] { return release; });
            return grpc::Status(grpc::StatusCode::UNAVAILABLE, "connection dropped by the script");
        },
    });
    auto client = client_for(server);
    auto session = client->explore(reconnecting({}, ""));
    NullSink sink;
    std::vector<ViewStatusInfo> seen;
    DriverCallbacks callbacks;
    callbacks.view_status = [&](const ViewStatusInfo& status) { seen.push_back(status); };
    ExploreDriver driver(*session, sink, 1000, 0.0, callbacks);
    check_eq(0LL, static_cast<long long>(driver.complete_world_version()), "none before a view completes");
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (seen.size() < 3 && std::chrono::steady_clock::now() < deadline) {
        driver.tick(0.0, 1 << 30);
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    {
        std::lock_guard<std::mutex> lock(gate_mutex);
        release = true;
    }
    gate_changed.notify_all();
    session->stop();

    check_eq(std::size_t{3}, seen.size(), "every status arrived");
    check_eq(3LL, static_cast<long long>(seen[0].world_version), "the first status's version");
    check(seen[1].complete && seen[1].world_version == 4, "the complete one's version");
    check_eq(5LL, static_cast<long long>(seen[2].world_version), "the later view's version");
    check_eq(4LL, static_cast<long long>(driver.complete_world_version()), "the latest complete view's version stays");
}
