// The Explore stream on its own worker thread, on gRPC's async API: the worker drains one
// completion queue with at most one read, one write and the start or finish in flight, as the
// async API requires. Other threads reach it through a mutex-guarded mailbox (latest view, summed
// acks, held tiles) and a grpc::Alarm that wakes the queue; decoded tiles and events leave through
// the EventQueue.
#include <grpcpp/alarm.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <deque>
#include <map>
#include <string>
#include <thread>
#include <unordered_map>

#include "client_impl.h"
#include "proto_convert.h"
#include "worldstream/backoff.h"
#include "worldstream/error_reasons.h"

namespace worldstream {

namespace pb = ::worldstream::v1;

namespace {

// Completion-queue tags. Their addresses are the tags; the values only name them.
enum class Op { Start, Read, Write, Finish, Wake };

Error cancelled() {
    Error error;
    error.code = StatusCode::Cancelled;
    error.message = "the session was stopped";
    return error;
}

}  // namespace

class ExploreSession::Impl {
public:
    Impl(std::shared_ptr<detail::Connection> connection, ExploreOptions options)
        : connection_(std::move(connection)),
          options_(std::move(options)),
          held_(options_.held_tiles),
          held_uid_(options_.held_world_uid) {}

    ~Impl() { stop(); }

    void start() { worker_ = std::thread([this] { run(); }); }

    EventQueue& events() { return events_; }

    void send_view(const ViewToSend& view) {
        {
            std::lock_guard<std::mutex> lock(mailbox_mutex_);
            pending_view_ = view;
            last_view_ = view;
        }
        wake();
    }

    void acknowledge(int64_t bytes, int generation) {
        if (bytes <= 0 || generation != generation_.load()) return;
        {
            std::lock_guard<std::mutex> lock(mailbox_mutex_);
            pending_ack_ += bytes;
        }
        wake();
    }

    void set_held_tiles(std::vector<HeldTile> tiles, std::string world_uid, uint64_t applied_through) {
        std::lock_guard<std::mutex> lock(mailbox_mutex_);
        held_ = std::move(tiles);
        held_uid_ = std::move(world_uid);
        held_through_ = applied_through;
        while (!delivered_.empty() && delivered_.front().delivery <= applied_through) delivered_.pop_front();
    }

    int generation() const { return generation_.load(); }
    bool running() const { return running_.load(); }

    void stop() {
        {
            std::lock_guard<std::mutex> lock(mailbox_mutex_);
            stopping_ = true;
            if (context_ != nullptr) context_->TryCancel();
        }
        backoff_wake_.notify_all();
        if (worker_.joinable()) worker_.join();
        std::lock_guard<std::mutex> lock(shutdown_mutex_);
        if (!queue_shut_down_) {
            queue_shut_down_ = true;
            wake_alarm_.Cancel();
            queue_.Shutdown();
            void* tag = nullptr;
            bool ok = false;
            while (queue_.Next(&tag, &ok)) {
            }
        }
    }

private:
    // The state of one call, owned by the worker thread.
    struct Call {
        grpc::ClientContext context;
        std::unique_ptr<grpc::ClientAsyncReaderWriter<pb::ExploreRequest, pb::ExploreResponse>> stream;
        pb::ExploreResponse response;
        pb::ExploreRequest outgoing;  // must live until its write completes
        grpc::Status status;
        ChunkAssembler assembler;
        int generation = 0;
        bool start_in_flight = false, read_in_flight = false, write_in_flight = false;
        bool started = false, write_broken = false;
        bool want_finish = false, finish_called = false, finished = false;

        explicit Call(int64_t max_payload_bytes) : assembler(max_payload_bytes) {}
        bool done() const { return finished && !start_in_flight && !read_in_flight && !write_in_flight; }
    };

    // An event the worker queued that changes what is held: replayed onto the game thread's
    // snapshot at a reconnect until the game thread reports it applied.
    struct Delivered {
        enum class Kind { Tile, Removal, Header };
        Kind kind = Kind::Tile;
        uint64_t delivery = 0;
        TileKey key;
        int64_t version = 0;
        int64_t splat_count = 0;  // a tile's, as decoded: the server budgets a resume with it
        std::string world_uid;  // a header's world.uid
    };

    // What a (re)connect sends: the tiles held and the uid of the instance they came from.
    struct Resume {
        std::vector<HeldTile> tiles;
        std::string world_uid;
    };

    // The manifest for a (re)connect: the game thread's snapshot plus what is still queued.
    // Called with mailbox_mutex_ held.
    Resume manifest_locked() const {
        std::map<TileKey, HeldTile> by_key;
        std::unordered_map<CellKey, TileKey, CellKeyHash> key_of_cell;
        auto put = [&](const HeldTile& tile) {
            auto old = key_of_cell.find(tile.key.cell());
            if (old != key_of_cell.end()) by_key.erase(old->second);
            key_of_cell[tile.key.cell()] = tile.key;
            by_key[tile.key] = tile;
        };
        std::string uid = held_uid_;
        for (const HeldTile& tile : held_) put(tile);
        for (const Delivered& d : delivered_) {
            if (d.delivery <= held_through_) continue;
            switch (d.kind) {
                case Delivered::Kind::Header:
                    // As the game thread does when it applies the header (TileStreamer::
                    // begin_world): tiles of another instance are dropped, none is sent as this
                    // instance's.
                    if (d.world_uid != uid) {
                        by_key.clear();
                        key_of_cell.clear();
                    }
                    uid = d.world_uid;
                    break;
                case Delivered::Kind::Tile:
                    put(HeldTile{d.key, d.version, d.splat_count});
                    break;
                case Delivered::Kind::Removal:
                    if (auto old = key_of_cell.find(d.key.cell()); old != key_of_cell.end()) {
                        by_key.erase(old->second);
                        key_of_cell.erase(old);
                    }
                    break;
            }
        }
        Resume resume;
        resume.world_uid = std::move(uid);
        resume.tiles.reserve(by_key.size());
        for (const auto& [key, tile] : by_key) resume.tiles.push_back(tile);
        return resume;
    }

    // Queues an event that changes what is held and logs it for the manifest; numbered under
    // the mailbox lock so that the log and the numbers agree.
    void deliver(const Call& call, StreamEventBody body, int64_t cost, Delivered what) {
        uint64_t delivery = 0;
        {
            std::lock_guard<std::mutex> lock(mailbox_mutex_);
            delivery = ++deliveries_;
            what.delivery = delivery;
            delivered_.push_back(std::move(what));
        }
        events_.push(StreamEvent{call.generation, delivery, std::move(body)}, cost);
    }

    static void* tag(Op op) {
        static Op tags[] = {Op::Start, Op::Read, Op::Write, Op::Finish, Op::Wake};
        return &tags[static_cast<int>(op)];
    }
    static Op op_of(void* t) { return *static_cast<Op*>(t); }

    void wake() {
        std::lock_guard<std::mutex> lock(mailbox_mutex_);
        // One alarm in flight at a time: grpc::Alarm may be set again only once it has fired.
        if (wake_pending_ || stopping_) return;
        wake_pending_ = true;
        wake_alarm_.Set(&queue_, std::chrono::system_clock::now(), tag(Op::Wake));
    }

    bool stopping() {
        std::lock_guard<std::mutex> lock(mailbox_mutex_);
        return stopping_;
    }

    void run() {
        ReconnectBackoff backoff(options_.reconnect_initial_seconds, options_.reconnect_max_seconds);
        while (!stopping()) {
            Error error = stream_once(backoff);
            if (stopping()) break;
            const bool retry = options_.reconnect && error.advice() == RetryAdvice::RetryWithBackoff;
            events_.push(StreamEvent{generation_.load(), 0, DisconnectedEvent{error, retry}}, 0);
            if (!retry) break;
            const auto delay = std::chrono::duration<double>(backoff.next_delay_seconds());
            std::unique_lock<std::mutex> lock(mailbox_mutex_);
            backoff_wake_.wait_for(lock, delay, [this] { return stopping_; });
        }
        running_ = false;
    }

    // One connection, from StartCall to the end of Finish; returns why it ended.
    Error stream_once(ReconnectBackoff& backoff) {
        Call call(options_.max_payload_bytes);
        call.generation = ++generation_;
        Resume held;
        {
            std::lock_guard<std::mutex> lock(mailbox_mutex_);
            if (stopping_) return cancelled();
            context_ = &call.context;
            // Acks of the previous connection are void; the view starts over from the latest.
            pending_ack_ = 0;
            pending_view_ = last_view_;
            held = manifest_locked();
        }
        call.stream = connection_->stub->PrepareAsyncExplore(&call.context, &queue_);
        call.stream->StartCall(tag(Op::Start));
        call.start_in_flight = true;
        const pb::ExploreRequest start = convert::start(options_, held.tiles, held.world_uid);

        while (!call.done()) {
            void* t = nullptr;
            bool ok = false;
            if (!queue_.Next(&t, &ok)) break;  // shut down: stop() ran
            switch (op_of(t)) {
                case Op::Start:
                    call.start_in_flight = false;
                    if (!ok) {
                        request_finish(call);
                        break;
                    }
                    call.started = true;
                    write(call, start);
                    read(call);
                    break;
                case Op::Read:
                    call.read_in_flight = false;
                    if (!ok) {
                        request_finish(call);
                        break;
                    }
                    {
                        // Read the next message while this one is handled (decoding takes time).
                        pb::ExploreResponse current;
                        current.Swap(&call.response);
                        read(call);
                        handle(call, current, backoff);
                    }
                    break;
                case Op::Write:
                    call.write_in_flight = false;
                    // A failed write means the call is over: the pending read fails too and
                    // asks for the status.
                    call.write_broken = call.write_broken || !ok;
                    if (call.want_finish) finish(call);
                    else pump_writes(call);
                    break;
                case Op::Finish:
                    call.finished = true;
                    break;
                case Op::Wake:
                    {
                        std::lock_guard<std::mutex> lock(mailbox_mutex_);
                        wake_pending_ = false;
                    }
                    pump_writes(call);
                    break;
            }
        }
        {
            std::lock_guard<std::mutex> lock(mailbox_mutex_);
            context_ = nullptr;
        }
        if (!call.finished) return cancelled();
        return detail::error_from_grpc(call.status);
    }

    void read(Call& call) {
        call.stream->Read(&call.response, tag(Op::Read));
        call.read_in_flight = true;
    }

    void write(Call& call, const pb::ExploreRequest& request) {
        call.outgoing = request;
        call.stream->Write(call.outgoing, tag(Op::Write));
        call.write_in_flight = true;
    }

    // One write at a time: acks first (they free the server's credit), then the latest view.
    void pump_writes(Call& call) {
        if (!call.started || call.write_in_flight || call.write_broken || call.want_finish) return;
        std::optional<pb::ExploreRequest> next;
        {
            std::lock_guard<std::mutex> lock(mailbox_mutex_);
            if (pending_ack_ > 0) {
                next = convert::ack(pending_ack_);
                pending_ack_ = 0;
            } else if (pending_view_) {
                next = convert::view(*pending_view_);
                pending_view_.reset();
            }
        }
        if (next) write(call, *next);
    }

    // No more messages will arrive (the read or the start failed): collect the status once no
    // write is in flight, as the async API asks.
    void request_finish(Call& call) {
        call.want_finish = true;
        finish(call);
    }

    void finish(Call& call) {
        if (call.finish_called || call.write_in_flight || call.start_in_flight) return;
        call.finish_called = true;
        call.stream->Finish(&call.status, tag(Op::Finish));
    }

    // Acks bytes from this thread (chunks that broke the order, payloads that did not decode).
    void acknowledge_here(Call& call, int64_t bytes) {
        if (bytes <= 0) return;
        {
            std::lock_guard<std::mutex> lock(mailbox_mutex_);
            pending_ack_ += bytes;
        }
        pump_writes(call);
    }

    void post(const Call& call, StreamEventBody body) {
        events_.push(StreamEvent{call.generation, 0, std::move(body)}, 0);
    }

    void handle(Call& call, const pb::ExploreResponse& response, ReconnectBackoff& backoff) {
        switch (response.response_case()) {
            case pb::ExploreResponse::kHeader: {
                backoff.succeeded();
                // Numbered like tile events: it names the world instance, and so decides whether
                // the tiles held before it are still this world's.
                Delivered what;
                what.kind = Delivered::Kind::Header;
                what.world_uid = response.header().world().uid();
                deliver(call, ConnectedEvent{convert::header(response.header())}, 0, std::move(what));
                break;
            }
            case pb::ExploreResponse::kTileChunk:
                on_chunk(call, response.tile_chunk());
                break;
            case pb::ExploreResponse::kTileBatch:
                // Small whole tiles packed together: the same as their chunks one by one.
                for (const auto& chunk : response.tile_batch().chunks()) on_chunk(call, chunk);
                break;
            case pb::ExploreResponse::kTileRemoval: {
                const TileKey key = convert::key(response.tile_removal().key());
                const auto reason = static_cast<TileRemovalReason>(response.tile_removal().reason());
                Delivered what;
                what.kind = Delivered::Kind::Removal;
                what.key = key;
                deliver(call, TileRemovedEvent{key, reason}, 0, std::move(what));
                break;
            }
            case pb::ExploreResponse::kViewStatus:
                post(call, ViewStatusEvent{convert::view_status(response.view_status())});
                break;
            case pb::ExploreResponse::kWarning:
                post(call, WarningEvent{convert::warning(response.warning())});
                break;
            case pb::ExploreResponse::kGeneration:
                post(call, GenerationEvent{convert::generation(response.generation())});
                break;
            case pb::ExploreResponse::kColliderChunk:
            case pb::ExploreResponse::RESPONSE_NOT_SET:
                // Colliders are not requested; message kinds newer than this client are skipped.
                break;
        }
    }

    // Reassembles and decodes here, off the game thread.
    void on_chunk(Call& call, const pb::TileChunk& chunk) {
        const TileChunkInfo info = convert::chunk_info(chunk);
        const auto* data = reinterpret_cast<const uint8_t*>(chunk.data().data());
        auto added = call.assembler.add(info, data, chunk.data().size());
        if (!added) {
            acknowledge_here(call, added.error().dropped_bytes);
            post(call, WarningEvent{WarningInfo{reasons::kChunkOrder, added.error().message, {}}});
            return;
        }
        if (!added.value()) return;
        AssembledPayload whole = std::move(*added.value());
        const int64_t bytes = static_cast<int64_t>(whole.payload.size());
        auto decoded = decode_payload(whole.info.encoding, whole.payload.data(), whole.payload.size());
        if (!decoded) {
            acknowledge_here(call, bytes);
            post(call, WarningEvent{WarningInfo{reasons::kPayloadRejected,
                                                whole.info.key.to_string() + ": " + decoded.error().message,
                                                {{"problem", payload_problem_name(decoded.error().problem)}}}});
            return;
        }
        auto tile = std::make_shared<const DecodedTile>(std::move(decoded.value()));
        const int64_t cost = tile->splat_count;
        Delivered what;
        what.kind = Delivered::Kind::Tile;
        what.key = whole.info.key;
        what.version = whole.info.version;
        what.splat_count = cost;
        deliver(call,
                TileDecodedEvent{whole.info.key, whole.info.version, std::move(tile), bytes,
                                 whole.info.geometric_error},
                cost, std::move(what));
    }

    std::shared_ptr<detail::Connection> connection_;
    const ExploreOptions options_;
    grpc::CompletionQueue queue_;
    grpc::Alarm wake_alarm_;
    EventQueue events_;
    std::thread worker_;
    std::atomic<int> generation_{0};
    std::atomic<bool> running_{true};

    // The mailbox: everything below is guarded by mailbox_mutex_.
    std::mutex mailbox_mutex_;
    std::condition_variable backoff_wake_;
    bool stopping_ = false;
    bool wake_pending_ = false;
    grpc::ClientContext* context_ = nullptr;  // the live call's, for TryCancel from stop()
    std::optional<ViewToSend> pending_view_;
    std::optional<ViewToSend> last_view_;
    int64_t pending_ack_ = 0;
    std::vector<HeldTile> held_;
    std::string held_uid_;
    uint64_t held_through_ = 0;
    uint64_t deliveries_ = 0;
    std::deque<Delivered> delivered_;

    std::mutex shutdown_mutex_;
    bool queue_shut_down_ = false;
};

ExploreSession::ExploreSession(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ExploreSession::~ExploreSession() { impl_->stop(); }
EventQueue& ExploreSession::events() { return impl_->events(); }
void ExploreSession::send_view(const ViewToSend& view) { impl_->send_view(view); }
void ExploreSession::acknowledge(int64_t bytes, int generation) { impl_->acknowledge(bytes, generation); }
void ExploreSession::set_held_tiles(std::vector<HeldTile> tiles, std::string world_uid, uint64_t applied_through) {
    impl_->set_held_tiles(std::move(tiles), std::move(world_uid), applied_through);
}
int ExploreSession::generation() const { return impl_->generation(); }
bool ExploreSession::running() const { return impl_->running(); }
void ExploreSession::stop() { impl_->stop(); }

namespace detail {

std::unique_ptr<ExploreSession> start_explore(std::shared_ptr<Connection> connection, ExploreOptions options) {
    auto impl = std::make_unique<ExploreSession::Impl>(std::move(connection), std::move(options));
    impl->start();
    return std::make_unique<ExploreSession>(std::move(impl));
}

}  // namespace detail

}  // namespace worldstream
