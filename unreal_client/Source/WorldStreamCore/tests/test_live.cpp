// Against a live worldstream server (tests/test_unreal_core.py starts it as a subprocess):
//   WORLDSTREAM_SERVER  host:port           (every case; they skip without it)
//   WORLDSTREAM_TOKEN   the bearer token of a server that authenticates (optional)
//   WORLDSTREAM_PHOTO   a photo to create a world from
//   WORLDSTREAM_WORLD   worlds/{world} to explore
//   WORLDSTREAM_DROP    "stdin": the walk prints DROP and waits for a line on stdin while the
//                       driver kills the server and starts it again on the same port.
// The walk runs the same ExploreDriver the Unreal subsystem runs, with a recording sink in
// place of the renderer.
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include "harness.h"
#include "worldstream/client.h"
#include "worldstream/error_reasons.h"
#include "worldstream/explore_driver.h"

using namespace worldstream;
using namespace wstest;

namespace {

std::string env(const char* name) {
    const char* value = std::getenv(name);
    return value != nullptr ? value : "";
}

std::string require_env(const char* name) {
    std::string value = env(name);
    if (value.empty()) skip(std::string(name) + " is not set (tests/test_unreal_core.py sets it)");
    return value;
}

std::unique_ptr<Client> connect(const std::string& token = env("WORLDSTREAM_TOKEN")) {
    ClientOptions options;
    options.endpoint = require_env("WORLDSTREAM_SERVER");
    options.access_token = token;
    options.call_timeout_seconds = 30;
    options.max_reconnect_backoff_seconds = 1;
    auto client = Client::create(options);
    if (!client) fail("client: " + client.error().to_string());
    return std::move(client.value());
}

double now_seconds() {
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// --- quaternions, x y z w ---

Quat multiply(const Quat& a, const Quat& b) {
    return {a.w * b.x + a.x * b.w + a.y * b.z - a.z * b.y, a.w * b.y - a.x * b.z + a.y * b.w + a.z * b.x,
            a.w * b.z + a.x * b.y - a.y * b.x + a.z * b.w, a.w * b.w - a.x * b.x - a.y * b.y - a.z * b.z};
}

Vec3 rotate(const Quat& q, const Vec3& v) {
    const Quat p{v.x, v.y, v.z, 0};
    const Quat r = multiply(multiply(q, p), Quat{-q.x, -q.y, -q.z, q.w});
    return {r.x, r.y, r.z};
}

// The scripted camera: from the spawn pose (Unreal frame, cm; the camera looks along local
// +X), `steps` poses, each `step_cm` further along the view and turned `turn_degrees` about
// local up.
std::vector<CameraPose> scripted_walk(const ExploreHeaderInfo& header, int steps, double step_cm, double turn_degrees) {
    std::vector<CameraPose> poses;
    Vec3 position = header.spawn_position;
    Quat rotation = header.spawn_rotation;
    const double half = turn_degrees * 3.14159265358979323846 / 360.0;
    const Quat turn{0, 0, std::sin(half), std::cos(half)};
    for (int i = 0; i < steps; ++i) {
        CameraPose pose;
        pose.position = position;
        pose.rotation = rotation;
        pose.vertical_fov_degrees =
            header.world.spawn_vertical_fov_degrees > 0 ? header.world.spawn_vertical_fov_degrees : 60;
        pose.viewport_width = 160;
        pose.viewport_height = 120;
        poses.push_back(pose);
        const Vec3 forward = rotate(rotation, {step_cm, 0, 0});
        position = {position.x + forward.x, position.y + forward.y, position.z + forward.z};
        rotation = multiply(rotation, turn);
    }
    return poses;
}

// Counts what the sink is asked to hold; the test checks it against the residency.
struct CountingSink : SplatSink {
    std::map<int, std::shared_ptr<const DecodedTile>> tiles;
    void add_tile(int id, std::shared_ptr<const DecodedTile> tile, float) override { tiles[id] = std::move(tile); }
    void set_tile_alpha(int, float) override {}
    void remove_tile(int id) override { tiles.erase(id); }
};

// What a walk observed, event by event; `connection` counts Connected events.
struct Observer {
    int connection = 0;
    std::vector<ExploreHeaderInfo> headers;
    std::map<std::pair<int, int64_t>, bool> complete;  // (connection, sequence)
    // Views the server said its splat budget cannot hold (VIEW_OVER_BUDGET): never complete.
    std::map<std::pair<int, int64_t>, bool> over_budget;
    std::map<int, int> tiles_per_connection;
    std::map<int, int> tiles_before_first_status;  // tiles of a connection before its first status
    std::map<int, bool> saw_status;
    int duplicates = 0;
    int removals = 0;
    int deleted = 0;  // removals whose reason is DELETED
    int64_t max_resident = 0;
    std::vector<std::string> warnings;
    std::vector<DisconnectedEvent> disconnects;
    const TileResidency* residency = nullptr;

    DriverCallbacks callbacks() {
        DriverCallbacks c;
        c.connected = [this](const ExploreHeaderInfo& h) {
            ++connection;
            headers.push_back(h);
        };
        c.tile_applied = [this](const TileDecodedEvent& e, const ResidencyChange& change) {
            ++tiles_per_connection[connection];
            if (!saw_status[connection]) ++tiles_before_first_status[connection];
            // Sent again although held: the same key at the same version.
            if (change.replaced && change.replaced->key == e.key && change.replaced->version == e.version) ++duplicates;
            if (e.tile->splat_count == 0) warnings.push_back("an empty tile " + e.key.to_string());
            max_resident = std::max(max_resident, residency->resident_splats());
        };
        c.tile_removed = [this](const TileRemovedEvent& e) {
            ++removals;
            if (e.reason == TileRemovalReason::Deleted) ++deleted;
        };
        c.view_status = [this](const ViewStatusInfo& s) {
            saw_status[connection] = true;
            if (s.complete) complete[{connection, s.sequence}] = true;
        };
        c.warning = [this](const WarningInfo& w) {
            warnings.push_back(w.reason + ": " + w.message);
            const auto sequence = w.metadata.find("sequence");
            if (w.reason == reasons::kViewOverBudget && sequence != w.metadata.end())
                over_budget[{connection, std::stoll(sequence->second)}] = true;
        };
        c.disconnected = [this](const Error& error, bool will_reconnect) {
            disconnects.push_back(DisconnectedEvent{error, will_reconnect});
        };
        return c;
    }
};

template <class Predicate>
void run_until(ExploreDriver& driver, Predicate done, double timeout_seconds, const std::string& what) {
    const double deadline = now_seconds() + timeout_seconds;
    while (!done()) {
        if (now_seconds() > deadline) fail("timed out after " + std::to_string(timeout_seconds) + " s: " + what);
        driver.tick(now_seconds(), 1 << 30);
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    driver.tick(now_seconds(), 1 << 30);
}

ExploreOptions walk_options(const std::string& world) {
    ExploreOptions options;
    options.world = world;
    options.engine_frame = EngineFrame::Unreal;
    options.no_generation = true;
    // A small credit window: the walk completes only if acks flow back.
    options.credit_bytes = 96 * 1024;
    options.reconnect_initial_seconds = 0.1;
    options.reconnect_max_seconds = 0.5;
    return options;
}

// Walks poses [from, to) on one connection, waiting for each view to complete.
void walk(ExploreSession& session, ExploreDriver& driver, Observer& seen, const std::vector<CameraPose>& poses,
          int from, int to) {
    for (int i = from; i < to; ++i) {
        session.send_view(ViewToSend{i, poses[static_cast<std::size_t>(i)]});
        const int connection = seen.connection;
        // A view the budget cannot hold ends with the server saying so, not with "complete".
        const auto settled = [&] {
            return seen.complete.count({connection, i}) != 0 || seen.over_budget.count({connection, i}) != 0;
        };
        run_until(driver, settled, 60, "view " + std::to_string(i) + " to complete");
    }
}

std::string describe(const std::vector<HeldTile>& tiles) {
    std::ostringstream text;
    for (const auto& t : tiles) text << t.key.to_string() << " v" << t.version << "; ";
    return text.str();
}

Error first_error(ExploreSession& session, double timeout_seconds) {
    const double deadline = now_seconds() + timeout_seconds;
    while (now_seconds() < deadline) {
        std::optional<Error> error;
        session.events().drain(1 << 30, [&](StreamEvent& e) {
            if (auto* d = std::get_if<DisconnectedEvent>(&e.body); d != nullptr && !error) {
                check(!d->will_reconnect, "an error not worth retrying ends the session");
                error = d->error;
            }
        });
        if (error) return *error;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    fail("the stream did not end");
}

}  // namespace

WS_TEST(the_client_creates_a_world_from_a_photo_and_finds_it_again) {
    auto client = connect();
    const std::string photo_path = require_env("WORLDSTREAM_PHOTO");
    std::ifstream file(photo_path, std::ios::binary);
    const std::string photo((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
    check(!photo.empty(), "the photo " + photo_path + " is readable");
    CreateWorldOptions options;
    options.display_name = "unreal core test";
    options.max_side_px = 256;
    // 1 m tiles: a short walk crosses many cells.
    options.tile_size_m = 1.0;
    std::vector<Progress> progress;
    auto world = client->create_world(photo, options, [&](const Progress& p) { progress.push_back(p); });
    if (!world) fail("create_world: " + world.error().to_string());
    check(world->state == WorldState::Ready, "the world is ready");
    check(world->splat_count > 0, "the world has splats");
    check(world->name.rfind("worlds/", 0) == 0, "a resource name: " + world->name);
    check(!progress.empty(), "progress arrived before the world");
    for (const auto& p : progress) check(p.fraction >= 0 && p.fraction <= 1, "a fraction in [0, 1]");
    auto again = client->get_world(world->name);
    if (!again) fail("get_world: " + again.error().to_string());
    check_eq(world->splat_count, again->splat_count, "GetWorld agrees");
    check_eq(std::string("unreal core test"), again->display_name, "display name");
    check_eq(1.0, again->tile_size_m, "tile size");
    auto all = client->list_worlds(1);  // one per page: follows next_page_token
    if (!all) fail("list_worlds: " + all.error().to_string());
    bool listed = false;
    for (const auto& w : *all) listed = listed || w.name == world->name;
    check(listed, "ListWorlds lists it");
    std::printf("WORLD %s %lld\n", world->name.c_str(), static_cast<long long>(world->splat_count));
}

WS_TEST(a_walk_resumes_after_the_connection_drops_with_no_duplicate_and_no_gap) {
    const std::string world = require_env("WORLDSTREAM_WORLD");
    if (env("WORLDSTREAM_DROP") != "stdin") skip("WORLDSTREAM_DROP=stdin: a driver must restart the server");
    auto client = connect();
    constexpr int kPoses = 6, kDropAfter = 3;
    // A budget under the world's size: at the server's 2 px threshold a small world is held at
    // full detail from the spawn, so only a budget makes the walk trade levels and need tiles
    // after the resume (what this test must exercise).
    ExploreOptions options = walk_options(world);
    options.splat_budget = 20000;

    // The walk, with the connection dropped after pose kDropAfter - 1.
    auto session = client->explore(options);
    CountingSink sink;
    Observer seen;
    ExploreDriver driver(*session, sink, 0, 0.0, seen.callbacks());
    seen.residency = &driver.residency();
    run_until(driver, [&] { return seen.connection == 1; }, 30, "the header");
    const ExploreHeaderInfo header = seen.headers[0];
    check(header.engine_frame == EngineFrame::Unreal, "the server speaks Unreal's frame");
    check(header.encoding == TileEncoding::QuantizedV1, "the server picked the quantized codec");
    const auto poses = scripted_walk(header, kPoses, 60, 5);
    walk(*session, driver, seen, poses, 0, kDropAfter);
    const std::vector<HeldTile> before_drop = driver.residency().held_tiles();
    check(!before_drop.empty(), "tiles arrived before the drop");

    std::printf("DROP\n");
    std::fflush(stdout);
    std::string line;
    std::getline(std::cin, line);
    check_eq(std::string("go"), line, "the driver's answer");
    run_until(driver, [&] { return seen.connection == 2; }, 60, "the session to reconnect");
    check(!seen.disconnects.empty(), "the drop was reported");
    for (const auto& d : seen.disconnects) {
        check(d.will_reconnect, "a dropped connection is retried: " + d.error.to_string());
        check(d.error.advice() == RetryAdvice::RetryWithBackoff, "advice for " + d.error.to_string());
    }
    const ExploreHeaderInfo& resumed = seen.headers[1];
    check_eq(static_cast<int32_t>(before_drop.size()), resumed.resumed_tiles, "the server took the whole manifest");
    // The session sends the latest view again on reconnect: it completes with nothing sent.
    run_until(driver, [&] { return seen.complete.count({2, kDropAfter - 1}) != 0; }, 30, "the resumed view");
    check_eq(0, seen.tiles_before_first_status[2], "no tile sent again after the resume");
    walk(*session, driver, seen, poses, kDropAfter, kPoses);
    const std::vector<HeldTile> resumed_walk = driver.residency().held_tiles();
    check_eq(0, seen.duplicates, "no tile arrived that the client held");
    check_eq(driver.residency().size(), sink.tiles.size(), "the sink draws exactly the resident tiles");
    session->stop();

    // The same walk on one unbroken connection, for the set of tiles it ends with.
    auto reference = client->explore(options);
    CountingSink reference_sink;
    Observer reference_seen;
    ExploreDriver reference_driver(*reference, reference_sink, 0, 0.0, reference_seen.callbacks());
    reference_seen.residency = &reference_driver.residency();
    run_until(reference_driver, [&] { return reference_seen.connection == 1; }, 30, "the reference header");
    walk(*reference, reference_driver, reference_seen, poses, 0, kPoses);
    const std::vector<HeldTile> unbroken = reference_driver.residency().held_tiles();
    check(resumed_walk == unbroken, "no gap: the resumed walk holds what an unbroken walk holds\n  resumed:  " +
                                        describe(resumed_walk) + "\n  unbroken: " + describe(unbroken));
    check(seen.warnings.empty(), "no warnings: " + (seen.warnings.empty() ? "" : seen.warnings[0]));
    check(seen.tiles_per_connection[2] > 0, "the walk after the resume needed new tiles, and got them");
    std::printf("WALK tiles=%zu first_connection=%d second_connection=%d disconnects=%zu removals=%d\n",
                resumed_walk.size(), seen.tiles_per_connection[1], seen.tiles_per_connection[2],
                seen.disconnects.size(), seen.removals);
}

WS_TEST(a_manifest_of_a_deleted_world_resumes_nothing_in_the_world_created_again_under_its_name) {
    auto client = connect();
    const std::string photo_path = require_env("WORLDSTREAM_PHOTO");
    std::ifstream file(photo_path, std::ios::binary);
    const std::string photo((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
    check(!photo.empty(), "the photo " + photo_path + " is readable");
    CreateWorldOptions create;
    create.world_id = "unreal-instances-" + std::to_string(static_cast<long long>(now_seconds() * 1000) % 1000000000);
    create.max_side_px = 256;
    create.tile_size_m = 1.0;
    auto first = client->create_world(photo, create);
    if (!first) fail("create_world: " + first.error().to_string());
    check(!first->uid.empty(), "a new world has a uid");
    const std::string world = first->name;

    // A short walk in the first instance: what a client keeps for resume.
    auto session = client->explore(walk_options(world));
    CountingSink sink;
    Observer seen;
    ExploreDriver driver(*session, sink, 0, 0.0, seen.callbacks());
    seen.residency = &driver.residency();
    run_until(driver, [&] { return seen.connection == 1; }, 30, "the header");
    check_eq(first->uid, seen.headers[0].world.uid, "the header names the instance");
    const auto poses = scripted_walk(seen.headers[0], 2, 60, 15);
    walk(*session, driver, seen, poses, 0, 2);
    session->stop();
    auto kept = driver.residency().manifest(world);
    check(kept.ok() && !kept->tiles().empty(), "tiles arrived");
    check_eq(first->uid, kept->world_uid(), "the manifest names the instance its tiles came from");
    auto reread = HeldTileManifest::parse(kept->to_text());
    check(reread.ok() && reread->world_uid() == first->uid, "and keeps it through its text form");

    // Opens a stream that resumes `manifest` and takes its header and first view; returns the
    // header and the removals that came with it.
    auto resume = [&](const HeldTileManifest& manifest, Observer& resumed) {
        ExploreOptions options = walk_options(world);
        options.held_tiles = manifest.tiles();
        options.held_world_uid = manifest.world_uid();
        auto again = client->explore(options);
        CountingSink again_sink;
        ExploreDriver again_driver(*again, again_sink, 0, 0.0, resumed.callbacks());
        resumed.residency = &again_driver.residency();
        run_until(again_driver, [&] { return resumed.connection == 1; }, 30, "the resumed header");
        walk(*again, again_driver, resumed, poses, 0, 1);
        again->stop();
    };
    const auto held = static_cast<int32_t>(reread->tiles().size());
    Observer same;
    resume(*reread, same);
    check_eq(held, same.headers[0].resumed_tiles, "the same instance resumes the whole manifest");
    check_eq(0, same.removals, "and removes none of it");

    auto deleted = client->delete_world(world);
    if (!deleted) fail("delete_world: " + deleted.error().to_string());
    auto second = client->create_world(photo, create);
    if (!second) fail("create_world again: " + second.error().to_string());
    check_eq(world, second->name, "the same name");
    check(second->uid != first->uid, "another instance, another uid");

    Observer other;
    resume(*reread, other);
    check_eq(second->uid, other.headers[0].world.uid, "the header names the new instance");
    check_eq(0, other.headers[0].resumed_tiles, "nothing of the old instance is resumed");
    check_eq(held, other.deleted, "every held tile of the old instance is removed as DELETED");
    check(other.tiles_per_connection[1] > 0, "the new instance streams its own tiles");
    check_eq(0, other.duplicates, "none of them twice");
    auto deleted_again = client->delete_world(world);
    if (!deleted_again) fail("delete_world: " + deleted_again.error().to_string());
    std::printf("INSTANCES held=%d deleted=%d new_tiles=%d\n", held, other.deleted, other.tiles_per_connection[1]);
}

WS_TEST(a_small_splat_budget_is_never_exceeded_and_the_server_removes_tiles_to_keep_it) {
    const std::string world = require_env("WORLDSTREAM_WORLD");
    auto client = connect();
    auto info = client->get_world(world);
    if (!info) fail("get_world: " + info.error().to_string());
    ExploreOptions options = walk_options(world);
    options.splat_budget = std::max<int64_t>(1000, info->splat_count / 40);
    auto session = client->explore(options);
    CountingSink sink;
    Observer seen;
    ExploreDriver driver(*session, sink, options.splat_budget, 0.0, seen.callbacks());
    seen.residency = &driver.residency();
    run_until(driver, [&] { return seen.connection == 1; }, 30, "the header");
    check_eq(options.splat_budget, seen.headers[0].splat_budget, "the server granted the budget");
    const auto poses = scripted_walk(seen.headers[0], 10, 30, 36);
    walk(*session, driver, seen, poses, 0, 10);
    check(seen.max_resident <= options.splat_budget,
          "resident splats peaked at " + std::to_string(seen.max_resident) + ", over the budget " +
              std::to_string(options.splat_budget));
    check(seen.tiles_per_connection[1] > 0, "tiles arrived");
    check(seen.removals > 0, "the server made room with TileRemovals");
    check_eq(static_cast<int64_t>(driver.residency().size()), static_cast<int64_t>(sink.tiles.size()),
             "the sink draws exactly the resident tiles");
    std::printf("BUDGET budget=%lld peak=%lld removals=%d tiles=%d\n", static_cast<long long>(options.splat_budget),
                static_cast<long long>(seen.max_resident), seen.removals, seen.tiles_per_connection[1]);
}

WS_TEST(an_unknown_world_ends_the_stream_with_not_found_and_its_reason) {
    auto client = connect();
    ExploreOptions options;
    options.world = "worlds/nowhere-to-be-found";
    auto session = client->explore(options);
    const Error error = first_error(*session, 30);
    check(error.code == StatusCode::NotFound, "NOT_FOUND, got " + error.to_string());
    check_eq(std::string(reasons::kWorldNotFound), error.reason, "reason");
    check_eq(std::string(reasons::kDomain), error.domain, "domain");
    check_eq(std::string("worlds/nowhere-to-be-found"), error.metadata.count("world") ? error.metadata.at("world") : "",
             "metadata names the world");
    check(error.advice() == RetryAdvice::DoNotRetry, "not worth retrying");
    auto world = client->get_world("worlds/nowhere-to-be-found");
    check(!world.ok() && world.error().code == StatusCode::NotFound && world.error().reason == reasons::kWorldNotFound,
          "GetWorld says the same");
}

WS_TEST(bad_requests_get_the_precise_reasons_of_docs_errors) {
    auto client = connect();
    auto bad_name = client->get_world("nowhere");
    check(!bad_name.ok() && bad_name.error().code == StatusCode::InvalidArgument &&
              bad_name.error().reason == reasons::kInvalidWorldName,
          "a name without worlds/: " + (bad_name.ok() ? std::string("ok") : bad_name.error().to_string()));
    auto no_photo = client->create_world("", CreateWorldOptions{});
    check(!no_photo.ok() && no_photo.error().reason == reasons::kPhotoEmpty, "no photo");
    auto not_an_image = client->create_world("these bytes are not an image", CreateWorldOptions{});
    check(!not_an_image.ok() && not_an_image.error().reason == reasons::kPhotoNotAnImage, "not an image");
    const std::string world = env("WORLDSTREAM_WORLD");
    if (world.empty()) return;
    ExploreOptions no_frame;
    no_frame.world = world;
    no_frame.engine_frame = EngineFrame::Unspecified;
    auto frameless = client->explore(no_frame);
    const Error frame_error = first_error(*frameless, 30);
    check(frame_error.code == StatusCode::InvalidArgument && frame_error.reason == reasons::kInvalidEngineFrame,
          "no engine frame: " + frame_error.to_string());
    ExploreOptions negative = no_frame;
    negative.engine_frame = EngineFrame::Unreal;
    negative.splat_budget = -1;
    auto refused = client->explore(negative);
    const Error budget_error = first_error(*refused, 30);
    check(budget_error.reason == reasons::kInvalidSplatBudget, "a negative budget: " + budget_error.to_string());
}

WS_TEST(an_authenticating_server_refuses_a_missing_or_wrong_token_and_accepts_the_right_one) {
    const std::string token = require_env("WORLDSTREAM_TOKEN");
    auto anonymous = connect("")->list_worlds();
    check(!anonymous.ok() && anonymous.error().code == StatusCode::Unauthenticated &&
              anonymous.error().reason == reasons::kTokenMissing,
          "no token: " + (anonymous.ok() ? std::string("accepted") : anonymous.error().to_string()));
    check(anonymous.error().advice() == RetryAdvice::Reauthenticate, "ask for credentials");
    auto wrong = connect("not-the-token-of-anyone-at-all")->list_worlds();
    check(!wrong.ok() && wrong.error().reason == reasons::kTokenInvalid,
          "a wrong token: " + (wrong.ok() ? std::string("accepted") : wrong.error().to_string()));
    auto right = connect(token)->list_worlds();
    check(right.ok(), "the right token: " + (right.ok() ? std::string() : right.error().to_string()));
    ExploreOptions options;
    options.world = "worlds/anything";
    auto session = connect("")->explore(options);
    const Error stream_error = first_error(*session, 30);
    check(stream_error.reason == reasons::kTokenMissing, "Explore without a token: " + stream_error.to_string());
}

WS_TEST(a_tls_server_is_reached_with_its_root_certificate_and_refused_without_it) {
    const std::string endpoint = require_env("WORLDSTREAM_TLS_SERVER");
    const std::string roots_path = require_env("WORLDSTREAM_TLS_ROOTS");
    const std::string token = require_env("WORLDSTREAM_TOKEN");
    std::ifstream file(roots_path);
    const std::string roots((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
    check(!roots.empty(), "the certificate " + roots_path + " is readable");
    auto make = [&](bool tls, const std::string& pem, const std::string& with_token) {
        ClientOptions options;
        options.endpoint = endpoint;
        options.use_tls = tls;
        options.root_certificates_pem = pem;
        options.access_token = with_token;
        options.call_timeout_seconds = 10;
        auto client = Client::create(options);
        if (!client) fail("client: " + client.error().to_string());
        return std::move(client.value());
    };
    auto trusted = make(true, roots, token)->list_worlds();
    check(trusted.ok(), "TLS with the server's certificate and a token: " +
                            (trusted.ok() ? std::string() : trusted.error().to_string()));
    auto untrusted = make(true, "", token)->list_worlds();
    check(!untrusted.ok() && untrusted.error().code == StatusCode::Unavailable,
          "a self-signed server is not trusted by the default roots: " +
              (untrusted.ok() ? std::string("accepted") : untrusted.error().to_string()));
    auto tokenless = make(true, roots, "")->list_worlds();
    check(!tokenless.ok() && tokenless.error().reason == reasons::kTokenMissing,
          "TLS without a token: " + (tokenless.ok() ? std::string("accepted") : tokenless.error().to_string()));
    auto plaintext = make(false, "", "")->list_worlds();
    check(!plaintext.ok() && plaintext.error().code == StatusCode::Unavailable,
          "plaintext to a TLS server: " + (plaintext.ok() ? std::string("accepted") : plaintext.error().to_string()));
}
