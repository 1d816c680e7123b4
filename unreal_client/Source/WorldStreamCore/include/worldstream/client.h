// The worldstream gRPC client. No gRPC or protobuf type appears here (pimpl): the Unreal module
// includes this header without gRPC's include paths.
//
// Threads and ownership:
// - Client owns the channel. Its calls (create_world, get_world, list_worlds, delete_world)
//   block the calling thread until the server answers or the deadline passes: call them off the
//   game thread. They are safe to call from several threads at once.
// - explore() returns an ExploreSession that owns one worker thread. That thread drains the
//   session's gRPC completion queue: it writes the start, views and acks, reads responses,
//   reassembles and decodes tiles (so multi-MB tiles never cost game-thread time) and reconnects
//   after a transient failure with the held-tile manifest. It hands everything to the game
//   thread through events(), in stream order. The session keeps the channel alive: it may
//   outlive its Client.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "worldstream/camera.h"
#include "worldstream/chunk_assembler.h"
#include "worldstream/events.h"
#include "worldstream/expected.h"
#include "worldstream/messages.h"
#include "worldstream/payload.h"
#include "worldstream/status.h"

namespace worldstream {

struct ClientOptions {
    // host:port, e.g. "127.0.0.1:50051"; any gRPC target string works ("dns:///host:443").
    std::string endpoint;
    bool use_tls = false;
    // PEM roots for TLS; empty = gRPC's defaults (GRPC_DEFAULT_SSL_ROOTS_FILE_PATH or its bundle).
    std::string root_certificates_pem;
    // Sent as "authorization: Bearer <token>" on every call (docs/errors.md: TOKEN_MISSING,
    // TOKEN_INVALID). As the Python client does, a token travels only over TLS or, without TLS,
    // to a loopback address (gRPC's local credentials); a token for a plaintext remote server
    // is refused (CLIENT_INVALID_OPTIONS) rather than sent where the network could read it.
    std::string access_token;
    // Deadline of unary calls, seconds; 0 = none.
    double call_timeout_seconds = 60;
    // Longest wait of the channel between connection attempts after a failure (gRPC's own
    // default is 120 s, too long for a game waiting for its server to come back).
    double max_reconnect_backoff_seconds = 5;
    // How often the channel pings the server while nothing arrives, so that a server gone
    // silent (a dropped network) ends the stream with UNAVAILABLE and the client reconnects,
    // instead of waiting on a dead connection; 0 turns it off. The server accepts pings every
    // 10 s or more (ServerConfig.min_client_ping_interval_s).
    double keepalive_seconds = 30;
    // How long a ping may go unanswered before the connection counts as lost.
    double keepalive_timeout_seconds = 10;
};

struct CreateWorldOptions {
    std::string world_id;      // empty: the server picks one
    std::string display_name;
    std::string generator;     // empty: the server's default
    double horizontal_fov_degrees = 0;  // 0: from EXIF, else 60
    double tile_size_m = 0;             // 0: 4 m
    int32_t max_side_px = 0;            // 0: 640
    double timeout_seconds = 600;       // the whole call; 0 = none
};

struct ExploreOptions {
    std::string world;  // worlds/{world}
    EngineFrame engine_frame = EngineFrame::Unreal;
    int64_t splat_budget = 0;  // 0: the server's default (2,000,000)
    int64_t credit_bytes = 0;  // 0: the server's default (8 MiB)
    std::vector<TileEncoding> encodings = supported_encodings();
    // Stream the world as it is: no generation ahead of the camera.
    bool no_generation = false;
    // Reconnect after transient failures (UNAVAILABLE and the like), resuming what is held.
    bool reconnect = true;
    double reconnect_initial_seconds = 0.5;
    double reconnect_max_seconds = 15.0;
    int64_t max_payload_bytes = ChunkAssembler::kDefaultMaxPayloadBytes;
    // The manifest of the first connection (a tile cache kept across runs) and the World.uid of
    // the instance its tiles came from (HeldTileManifest::world_uid()); later connections send
    // what set_held_tiles() last gave. Tiles of another instance are not resumed: the server
    // removes them all.
    std::vector<HeldTile> held_tiles;
    std::string held_world_uid;
};

class ExploreSession {
public:
    class Impl;
    explicit ExploreSession(std::unique_ptr<Impl> impl);
    // Stops the stream and joins the worker thread.
    ~ExploreSession();
    ExploreSession(const ExploreSession&) = delete;
    ExploreSession& operator=(const ExploreSession&) = delete;

    // Everything the stream produced, for the game thread.
    EventQueue& events();

    // Thread-safe. Only the latest unsent view goes (older ones are stale); the latest view is
    // sent again first on every reconnect.
    void send_view(const ViewToSend& view);
    // Thread-safe. Returns a processed tile's payload bytes to the server's credit window. Acks
    // for an earlier connection (another generation) are dropped: the new stream never sent
    // those bytes.
    void acknowledge(int64_t bytes, int generation);
    // Thread-safe. What the client holds once it has applied the events up to `applied_through`
    // (StreamEvent::delivery): the tiles and the World.uid of the instance they came from. At a
    // reconnect the session sends this with the events it has queued since then replayed on top
    // (a queued header of another instance empties it), so tiles decoded but not yet applied
    // are not sent again, and tiles are always sent with the uid of their own instance.
    void set_held_tiles(std::vector<HeldTile> tiles, std::string world_uid, uint64_t applied_through);

    // The current connection's generation: 1 for the first, +1 per reconnect.
    int generation() const;
    // False once the stream has ended for good (an error not worth retrying, or stop()).
    bool running() const;
    // Ends the stream (cancels the call) and joins the worker. Idempotent; the destructor calls it.
    void stop();

private:
    std::unique_ptr<Impl> impl_;
};

// The unit type of calls that return nothing but can fail.
using Done = std::monostate;

// True when a gRPC target names this machine: localhost, 127.0.0.0/8 or ::1, with or without
// a port, an ipv4:/ipv6: or dns:/// scheme.
bool is_loopback_target(const std::string& endpoint);

class Client {
public:
    class Impl;
    // Refuses options that cannot work (no endpoint, a token for a plaintext remote server) with
    // an Error of code INVALID_ARGUMENT and reason CLIENT_INVALID_OPTIONS. Connecting is lazy: a server that is
    // down shows as UNAVAILABLE on the first call.
    static Expected<std::unique_ptr<Client>, Error> create(ClientOptions options);
    ~Client();
    Client(const Client&) = delete;
    Client& operator=(const Client&) = delete;

    // Uploads a photo and waits for the world; on_progress runs on the calling thread.
    Expected<WorldInfo, Error> create_world(const std::string& photo, const CreateWorldOptions& options,
                                            const std::function<void(const Progress&)>& on_progress = {});
    Expected<WorldInfo, Error> get_world(const std::string& name);
    // Every world, newest first (follows the pages).
    Expected<std::vector<WorldInfo>, Error> list_worlds(int32_t page_size = 0);
    Expected<Done, Error> delete_world(const std::string& name);

    // Opens an Explore stream; its worker thread starts at once.
    std::unique_ptr<ExploreSession> explore(ExploreOptions options);

private:
    explicit Client(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

}  // namespace worldstream
