// The game-thread pieces: view throttling, reconnect backoff, fades, the tile streamer and the
// event queue between the threads.
#include <atomic>
#include <cmath>
#include <map>
#include <set>
#include <thread>

#include "harness.h"
#include "worldstream/backoff.h"
#include "worldstream/camera.h"
#include "worldstream/events.h"
#include "worldstream/fade.h"
#include "worldstream/tile_streamer.h"

using namespace worldstream;
using namespace wstest;

namespace {

CameraPose pose(double x = 0) {
    CameraPose p;
    p.position = {x, 0, 0};
    p.rotation = {0, 0, 0, 1};
    p.vertical_fov_degrees = 60;
    p.viewport_width = 160;
    p.viewport_height = 120;
    return p;
}

// Quaternion of a yaw about +Z (Unreal's up), x y z w.
Quat yaw(double degrees) {
    const double h = degrees * 3.14159265358979323846 / 360.0;
    return {0, 0, std::sin(h), std::cos(h)};
}

struct RecordingSink : SplatSink {
    std::map<int, float> alpha;
    std::vector<std::string> log;
    void add_tile(int id, std::shared_ptr<const DecodedTile>, float a) override {
        alpha[id] = a;
        log.push_back("add " + std::to_string(id));
    }
    void set_tile_alpha(int id, float a) override { alpha.at(id) = a; }
    void remove_tile(int id) override {
        check(alpha.erase(id) == 1, "removing a tile the sink holds");
        log.push_back("remove " + std::to_string(id));
    }
};

std::shared_ptr<const DecodedTile> tile_of(uint32_t splats) {
    auto t = std::make_shared<DecodedTile>();
    t->splat_count = splats;
    return t;
}

}  // namespace

WS_TEST(a_pose_the_server_would_refuse_is_named_and_never_sent) {
    check(!pose().problem(), "a good pose");
    CameraPose nan = pose();
    nan.position.y = std::nan("");
    check(nan.problem().has_value(), "NaN");
    CameraPose skew = pose();
    skew.rotation = {0, 0, 0, 1.1};
    check(skew.problem()->find("unit quaternion") != std::string::npos, "non-unit rotation");
    CameraPose wide = pose();
    wide.vertical_fov_degrees = 180;
    check(wide.problem().has_value(), "fov 180");
    CameraPose empty = pose();
    empty.viewport_height = 0;
    check(empty.problem().has_value(), "empty viewport");
    ViewThrottle throttle;
    check(!throttle.offer(nan, 0), "a bad pose is not sent");
}

WS_TEST(the_throttle_sends_moves_and_turns_at_a_limited_rate_and_always_the_resting_pose) {
    ViewThrottle throttle(ViewThrottleSettings{0.1, 5.0, 1.0, 0.5});
    auto first = throttle.offer(pose(0), 0.0);
    check(first && first->sequence == 0, "the first pose goes at once");
    check(!throttle.offer(pose(100), 0.05), "too soon");
    auto moved = throttle.offer(pose(100), 0.2);
    check(moved && moved->sequence == 1, "a move of 100 units");
    check(!throttle.offer(pose(102), 0.4), "a small move waits");
    auto settled = throttle.offer(pose(102), 0.8);
    check(settled && settled->sequence == 2, "the small move goes once the camera rests");
    check(!throttle.offer(pose(102), 5.0), "the same view is not sent again");
    CameraPose turned = pose(102);
    turned.rotation = yaw(2);
    check(throttle.offer(turned, 5.2).has_value(), "a 2 degree turn");
    CameraPose zoomed = turned;
    zoomed.vertical_fov_degrees = 50;
    check(throttle.offer(zoomed, 5.4).has_value(), "a field-of-view change always counts");
    check_eq(int64_t{4}, throttle.last_sequence(), "sequences increase by one");
    throttle.reset();
    check(throttle.offer(zoomed, 5.41).has_value(), "after a reset the next pose goes at once");
}

WS_TEST(unreal_horizontal_fov_converts_to_the_wires_vertical_fov) {
    check_close(90.0, vertical_fov_from_horizontal(90, 100, 100), 1e-9, 0, "square viewport");
    // 16:9 at 90 degrees horizontal is 58.7155 degrees vertical.
    check_close(58.715507, vertical_fov_from_horizontal(90, 1920, 1080), 1e-5, 0, "16:9");
}

WS_TEST(backoff_grows_exponentially_with_jitter_up_to_its_ceiling_and_resets) {
    ReconnectBackoff backoff(0.5, 4.0, 42);
    const double ceilings[] = {0.5, 1.0, 2.0, 4.0, 4.0, 4.0};
    for (double ceiling : ceilings) {
        check_close(ceiling, backoff.ceiling(), 1e-12, 0, "ceiling");
        const double delay = backoff.next_delay_seconds();
        check(delay >= 0 && delay < ceiling, "a delay under its ceiling");
    }
    backoff.succeeded();
    check_eq(0, backoff.attempt(), "reset");
    check_close(0.5, backoff.ceiling(), 1e-12, 0, "the shortest again");
    ReconnectBackoff a(0.5, 15, 7), b(0.5, 15, 7);
    check_eq(a.next_delay_seconds(), b.next_delay_seconds(), "the same seed, the same delays");
}

WS_TEST(a_fade_eases_in_over_its_duration_and_then_frees_what_it_covered) {
    FadeSchedule fades(1.0);
    std::vector<int> remove_now;
    fades.begin(2, 1, 10.0, remove_now);
    check(remove_now.empty(), "nothing removed at the start");
    check_eq(0.0f, fades.alpha(2, 10.0), "starts transparent");
    check_close(0.5, fades.alpha(2, 10.5), 1e-6, 0, "smoothstep half way");
    check_eq(1.0f, fades.alpha(7, 10.5), "a tile not fading is opaque");
    fades.advance(10.9, remove_now);
    check(remove_now.empty(), "the old tile stays under the fade");
    fades.advance(11.0, remove_now);
    check(remove_now == std::vector<int>{1}, "the covered tile goes when the fade ends");
    check_eq(std::size_t{0}, fades.fading(), "nothing fading");
}

WS_TEST(a_tile_replaced_twice_during_a_fade_is_removed_at_once) {
    FadeSchedule fades(1.0);
    std::vector<int> remove_now;
    fades.begin(2, 1, 0.0, remove_now);
    fades.begin(3, 2, 0.2, remove_now);
    check(remove_now == std::vector<int>{1}, "the tile under the fading one goes");
    remove_now.clear();
    fades.cancel(3, remove_now);
    check(remove_now == std::vector<int>{2}, "a cancelled fade frees its outgoing tile");
}

WS_TEST(the_streamer_shows_a_refinement_over_the_old_level_and_never_opens_a_hole) {
    TileResidency residency(100000);
    RecordingSink sink;
    TileStreamer streamer(residency, sink, 0.5);
    const TileKey coarse{0, 0, 0, 2}, fine{0, 0, 0, 0};
    streamer.apply(coarse, 1, tile_of(64), 0.0);
    streamer.update(1.0);
    check_eq(std::size_t{1}, sink.alpha.size(), "one tile drawn");
    const auto change = streamer.apply(fine, 1, tile_of(4000), 2.0);
    check(change.replaced && change.replaced->key == coarse, "residency replaced the coarse level");
    check_eq(std::size_t{2}, sink.alpha.size(), "both drawn while the fine one fades in");
    check_eq(int64_t{4000}, residency.resident_splats(), "only the fine level counts");
    streamer.update(2.25);
    check(sink.alpha.at(2) > 0 && sink.alpha.at(2) < 1, "fading in");
    streamer.update(2.5);
    check_eq(std::size_t{1}, sink.alpha.size(), "the coarse level is gone once covered");
    check_eq(1.0f, sink.alpha.at(2), "the fine level is opaque");
    check(sink.log == std::vector<std::string>{"add 1", "add 2", "remove 1"}, "added before removed");
}

WS_TEST(a_removal_takes_the_cell_and_anything_under_its_fade) {
    TileResidency residency(100000);
    RecordingSink sink;
    TileStreamer streamer(residency, sink, 1.0);
    streamer.apply({1, 0, 0, 1}, 1, tile_of(10), 0.0);
    streamer.apply({1, 0, 0, 0}, 1, tile_of(20), 0.1);
    check_eq(std::size_t{2}, streamer.sink_tiles(), "fading");
    const auto removed = streamer.remove({1, 0, 0, 0});
    check(removed && removed->splat_count == 20, "the held level");
    check_eq(std::size_t{0}, sink.alpha.size(), "both tiles of the cell are gone");
    check_eq(std::size_t{0}, residency.size(), "residency is empty");
    streamer.apply({2, 0, 0, 0}, 1, tile_of(5), 0.2);
    streamer.clear();
    check_eq(std::size_t{0}, sink.alpha.size(), "clear drops every tile");
}

WS_TEST(a_header_of_another_world_instance_drops_every_held_tile) {
    TileResidency residency(100000);
    RecordingSink sink;
    TileStreamer streamer(residency, sink, 0.5);
    check_eq(std::size_t{0}, streamer.begin_world("uid-a"), "nothing held yet");
    streamer.apply({0, 0, 0, 1}, 1, tile_of(10), 0.0);
    streamer.apply({0, 0, 0, 0}, 1, tile_of(40), 0.1);  // fading in over the coarse level
    streamer.apply({5, 0, 2, 0}, 3, tile_of(7), 0.1);
    check_eq(std::string("uid-a"), residency.manifest("worlds/a")->world_uid(), "the manifest names the instance");

    // A reconnect to the same instance keeps everything (resume).
    check_eq(std::size_t{0}, streamer.begin_world("uid-a"), "the same instance");
    check_eq(std::size_t{3}, sink.alpha.size(), "still drawn, the fade included");

    // The world was deleted and created again under its name: none of it is this instance's.
    check_eq(std::size_t{2}, streamer.begin_world("uid-b"), "both held tiles dropped");
    check_eq(std::size_t{0}, residency.size(), "nothing held");
    check_eq(int64_t{0}, residency.resident_splats(), "no splats counted");
    check_eq(std::size_t{0}, sink.alpha.size(), "nothing drawn, the tile under the fade included");
    check_eq(std::size_t{0}, streamer.sink_tiles(), "no live id");
    auto manifest = residency.manifest("worlds/a");
    check(manifest->world_uid() == "uid-b" && manifest->tiles().empty(), "the manifest names the new instance, empty");
    streamer.update(10);
    check_eq(std::size_t{0}, sink.alpha.size(), "no fade brings anything back");
    check(!streamer.remove({5, 0, 2, 0}), "the server's removal of a dropped tile finds nothing");

    // Tiles held without a uid are of unknown origin once a header names one.
    TileResidency legacy(100000);
    TileStreamer old_streamer(legacy, sink, 0.0);
    old_streamer.apply({1, 0, 0, 0}, 1, tile_of(10), 0.0);
    check_eq(std::size_t{0}, old_streamer.begin_world(""), "a world without a uid keeps its tiles");
    check_eq(std::size_t{1}, old_streamer.begin_world("5f0c"), "dropped once the world has a uid");
}

WS_TEST(the_queue_spends_its_budget_in_order_and_never_holds_back_free_events) {
    EventQueue queue;
    auto tile_event = [](int64_t splats) {
        TileDecodedEvent e;
        e.tile = tile_of(static_cast<uint32_t>(splats));
        return StreamEvent{1, 0, e};
    };
    queue.push(tile_event(600), 600);
    queue.push(StreamEvent{1, 0, ViewStatusEvent{}}, 0);
    queue.push(tile_event(600), 600);
    queue.push(StreamEvent{1, 0, WarningEvent{}}, 0);
    check_eq(int64_t{1200}, queue.pending_cost(), "pending");
    std::vector<std::size_t> kinds;
    int64_t spent = queue.drain(1000, [&](StreamEvent& e) { kinds.push_back(e.body.index()); });
    check_eq(int64_t{600}, spent, "one tile fits");
    check(kinds == std::vector<std::size_t>{1, 3}, "the tile and the free event after it, in order");
    kinds.clear();
    spent = queue.drain(100, [&](StreamEvent& e) { kinds.push_back(e.body.index()); });
    check_eq(int64_t{600}, spent, "a tile larger than the budget still goes first");
    check(kinds == std::vector<std::size_t>{1, 4}, "then the warning");
    check_eq(int64_t{0}, queue.drain(0, [](StreamEvent&) {}), "nothing left");
    queue.push(tile_event(5), 5);
    check_eq(int64_t{0}, queue.drain(0, [](StreamEvent&) {}), "a zero budget takes no tile");
}

WS_TEST(the_queue_hands_over_every_event_in_order_across_threads) {
    EventQueue queue;
    constexpr int kPerProducer = 20000;
    std::atomic<bool> done{false};
    std::thread producer([&] {
        for (int i = 0; i < kPerProducer; ++i) queue.push(StreamEvent{i, 0, ViewStatusEvent{}}, i % 3);
        done = true;
    });
    int next = 0;
    while (!done || queue.size() > 0) {
        queue.drain(50, [&](StreamEvent& e) {
            check_eq(next, e.generation, "order");
            ++next;
        });
    }
    producer.join();
    check_eq(kPerProducer, next, "every event arrived once");
    check_eq(int64_t{0}, queue.pending_cost(), "no cost left");
}
