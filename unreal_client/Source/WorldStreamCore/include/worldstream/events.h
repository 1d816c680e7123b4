// What the Explore worker thread hands to the game thread, in stream order, and the queue that
// carries it. The queue is the only state the two threads share besides ExploreSession's own
// thread-safe calls.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <variant>

#include "worldstream/messages.h"
#include "worldstream/payload.h"
#include "worldstream/status.h"

namespace worldstream {

// The stream is up: the header says what the server granted, and header.world.uid which
// instance of the world it streams (held tiles of another instance are dropped when it applies).
struct ConnectedEvent {
    ExploreHeaderInfo header;
};

// A tile arrived whole and decoded. Acknowledge payload_bytes with the event's generation once
// it is processed (uploaded): that returns credit to the server.
struct TileDecodedEvent {
    TileKey key;
    int64_t version = 0;
    std::shared_ptr<const DecodedTile> tile;
    int64_t payload_bytes = 0;
    double geometric_error = 0;
};

// The server dropped a cell's tile.
struct TileRemovedEvent {
    TileKey key;
    TileRemovalReason reason = TileRemovalReason::Unspecified;
};

struct ViewStatusEvent {
    ViewStatusInfo status;
};

struct WarningEvent {
    WarningInfo warning;
};

struct GenerationEvent {
    GenerationProgressInfo progress;
};

// The stream ended: why, and whether the session reconnects (resuming what is held).
struct DisconnectedEvent {
    Error error;
    bool will_reconnect = false;
};

using StreamEventBody = std::variant<ConnectedEvent, TileDecodedEvent, TileRemovedEvent, ViewStatusEvent,
                                     WarningEvent, GenerationEvent, DisconnectedEvent>;

struct StreamEvent {
    // Which connection of the session produced it (1 for the first, +1 per reconnect). Acks
    // carry it, so that an ack for a stream that has since reconnected is not counted against
    // the new one.
    int generation = 0;
    // Events that change what is held (a header, which names the world instance, and tiles
    // decoded or removed) are numbered 1, 2, ... across the session's connections; 0 for the
    // others. ExploreSession::set_held_tiles takes the last one applied.
    uint64_t delivery = 0;
    StreamEventBody body;
};

// Hands events from the worker thread to the game thread, where each frame takes only as much
// as its budget allows. Each event has a cost (splats for a tile, 0 for the rest). Thread-safe:
// any number of producers and consumers; events leave in the order they came.
class EventQueue {
public:
    void push(StreamEvent event, int64_t cost);

    std::size_t size() const;
    // Sum of the costs waiting.
    int64_t pending_cost() const;

    // Hands events to `consume` in order while their costs fit `budget`. The first costly event
    // of a call always goes when budget > 0, so an event larger than the budget is not stuck
    // forever; events of cost 0 never wait. Returns the cost spent. `consume` runs outside the
    // queue's lock and may push.
    int64_t drain(int64_t budget, const std::function<void(StreamEvent&)>& consume);

private:
    struct Entry {
        StreamEvent event;
        int64_t cost = 0;
    };

    mutable std::mutex mutex_;
    std::deque<Entry> entries_;
    int64_t pending_cost_ = 0;
};

}  // namespace worldstream
