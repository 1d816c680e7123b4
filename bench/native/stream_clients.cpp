// bench/stream_clients.py's engine-like clients in C++: the same plans, poses, frustum test,
// latency definitions, acks, reconnects and results, so that bench_stream.py can be run with
// clients that take almost no CPU from the server they share the machine with.
//
//     ws_stream_clients --plan PLAN.json --out RESULTS.json [--trace TRACE.json]
//     ws_stream_clients --plan PLAN.json --dump-prepared OUT.json
//
// The plan is the Python clients' plan plus "walks": each client's walks as the parent computed
// them with stream_clients.walks_for (their jitter comes from numpy's generator, which is not
// reproduced here). The process prepares every client's poses, prints "ready", waits for a line
// on stdin, streams for the plan's seconds and writes its results as JSON with the Python
// clients' keys. --dump-prepared writes the poses and the cells each tick brings into and out
// of view instead, for comparison with the Python clients' own. --trace also writes every
// answered region (client, cold start or not, opened at, latency, cells, and the payload bytes
// its stream received between the view and the first new tile) and every stream's opening, to
// tell where a slow region waited.
//
// Threads: per client, one that sends its camera at 30 Hz, plus one reader per open stream,
// as an engine reading its stream on its own thread would. A client's state (its streams'
// holdings, open regions, counts) is guarded by one mutex per client; a stream's writes by
// one mutex per stream, so that a view and an ack never write at once.

#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <charconv>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "mini_json.h"
#include "worldstream/v1/worldstream.grpc.pb.h"

namespace {

namespace pb = worldstream::v1;
using wstest::Json;

constexpr double TICK_S = 1.0 / 30.0;  // an engine sending its camera once a frame at 30 Hz
constexpr double NEAR_M = 0.05;        // the near plane the server culls with
constexpr double CLOSE_TIMEOUT_S = 5.0;
constexpr double PI = 3.141592653589793;

using Vec3 = std::array<double, 3>;
using Quat = std::array<double, 4>;  // x, y, z, w

double monotonic() {
    // steady_clock is CLOCK_MONOTONIC on Linux, as Python's time.monotonic(): the parent
    // compares these times with its own.
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

void sleep_until(double t) {
    const auto at = std::chrono::steady_clock::time_point(
        std::chrono::duration_cast<std::chrono::steady_clock::duration>(
            std::chrono::duration<double>(t)));
    std::this_thread::sleep_until(at);
}

double process_cpu_s() {
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

bool is_written(int encoding) {  // asked for, preferred first: QUANTIZED_V1, RAW_F32
    return encoding == pb::TILE_ENCODING_QUANTIZED_V1 || encoding == pb::TILE_ENCODING_RAW_F32;
}

const char* status_name(grpc::StatusCode code) {
    static const char* const names[] = {
        "OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND",
        "ALREADY_EXISTS", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION",
        "ABORTED", "OUT_OF_RANGE", "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS",
        "UNAUTHENTICATED"};
    const int i = static_cast<int>(code);
    return i >= 0 && i < 17 ? names[i] : "UNKNOWN";
}

// -- poses ---------------------------------------------------------------------------------

Vec3 add(const Vec3& a, const Vec3& b) { return {a[0] + b[0], a[1] + b[1], a[2] + b[2]}; }
Vec3 scaled(const Vec3& a, double s) { return {a[0] * s, a[1] * s, a[2] * s}; }
Vec3 cross(const Vec3& a, const Vec3& b) {  // numpy.cross's order of operations
    return {a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]};
}

Quat quat_mul(const Quat& a, const Quat& b) {  // rotate by b, then by a
    const double ax = a[0], ay = a[1], az = a[2], aw = a[3];
    const double bx = b[0], by = b[1], bz = b[2], bw = b[3];
    return {aw * bx + ax * bw + ay * bz - az * by, aw * by - ax * bz + ay * bw + az * bx,
            aw * bz + ax * by - ay * bx + az * bw, aw * bw - ax * bx - ay * by - az * bz};
}

Vec3 rotate(const Quat& q, const Vec3& v) {
    const Vec3 u{q[0], q[1], q[2]};
    const double w = q[3];
    const Vec3 t = cross(u, add(cross(u, v), scaled(v, w)));
    return add(v, scaled(t, 2.0));
}

double radians(double degrees) { return degrees * (PI / 180.0); }

Quat yaw(double degrees) {  // about world +Y; positive turns left, seen from above
    const double half = radians(degrees) / 2.0;
    return {0.0, std::sin(half), 0.0, std::cos(half)};
}

struct Pose {
    Vec3 position{};  // metres, glTF frame (= the world frame)
    Quat rotation{};  // the camera looks along its local -Z
    Vec3 velocity{};  // metres per second
};

// The spawn's heading flattened onto the ground.
Vec3 level_forward(const Quat& rotation) {
    Vec3 forward = rotate(rotation, {0.0, 0.0, -1.0});
    forward[1] = 0.0;
    const double norm = std::sqrt(forward[0] * forward[0] + forward[1] * forward[1] +
                                  forward[2] * forward[2]);
    return {forward[0] / norm, forward[1] / norm, forward[2] / norm};
}

struct Walk {
    std::string kind;  // "forward", "turn" or "strafe"
    Vec3 origin{};
    double heading_degrees = 0.0;  // yaw from the spawn's heading
    bool cold = false;             // starts on a new stream with an empty manifest
    int ticks = 0;

    Pose pose(const Pose& spawn, int tick) const {
        const double t = tick * TICK_S;
        const Vec3 forward = level_forward(spawn.rotation);
        const Quat turn = yaw(heading_degrees);
        const Vec3 ahead = rotate(turn, forward);
        const Vec3 right = cross(ahead, {0.0, 1.0, 0.0});
        Vec3 position = origin, velocity{0.0, 0.0, 0.0};
        double heading = heading_degrees;
        if (kind == "forward") {  // 0.7 m/s for at most 2 m, then stand
            const double speed = t * 0.7 < 2.0 ? 0.7 : 0.0;
            position = add(origin, scaled(ahead, std::min(t * 0.7, 2.0)));
            velocity = scaled(ahead, speed);
        } else if (kind == "turn") {  // +-45 degrees about the heading, a sweep every 4 s
            heading += 45.0 * std::sin(2.0 * PI * t / 4.0);
        } else {  // strafe +-1 m, a sweep every 4 s
            const double phase = 2.0 * PI * t / 4.0;
            position = add(origin, scaled(right, std::sin(phase)));
            velocity = scaled(right, (2.0 * PI / 4.0) * std::cos(phase));
        }
        return {position, quat_mul(yaw(heading), spawn.rotation), velocity};
    }
};

// -- visibility ----------------------------------------------------------------------------

struct Cell {
    int x = 0, y = 0, z = 0;
    bool operator==(const Cell& o) const { return x == o.x && y == o.y && z == o.z; }
    bool operator!=(const Cell& o) const { return !(*this == o); }
};

struct CellHash {
    std::size_t operator()(const Cell& c) const {
        std::uint64_t h = static_cast<std::uint32_t>(c.x);
        h = h * 0x9E3779B97F4A7C15ULL ^ static_cast<std::uint32_t>(c.y);
        h = h * 0x9E3779B97F4A7C15ULL ^ static_cast<std::uint32_t>(c.z);
        return static_cast<std::size_t>(h ^ (h >> 29));
    }
};

std::string cell_text(const Cell& c) {  // as Python prints the tuple
    return "(" + std::to_string(c.x) + ", " + std::to_string(c.y) + ", " + std::to_string(c.z) +
           ")";
}

// The world's occupied cells as boxes, for the client's own frustum test.
struct Cells {
    std::vector<Cell> keys;
    std::unordered_map<Cell, int, CellHash> index;
    std::vector<Vec3> box_min, box_max, centre;
    double half = 0.0;

    Cells(const std::vector<Cell>& cells, double size) : keys(cells), half(size / 2.0) {
        for (std::size_t i = 0; i < keys.size(); ++i) {
            const Cell& k = keys[i];
            index.emplace(k, static_cast<int>(i));
            const Vec3 lo{k.x * size, k.y * size, k.z * size};
            box_min.push_back(lo);
            box_max.push_back({lo[0] + size, lo[1] + size, lo[2] + size});
            centre.push_back({lo[0] + size / 2.0, lo[1] + size / 2.0, lo[2] + size / 2.0});
        }
    }

    int find(const Cell& c) const {
        const auto it = index.find(c);
        return it == index.end() ? -1 : it->second;
    }

    // Cells in the view frustum (no far plane) or around the camera: the server's conservative
    // test (a box is out when all 8 corners are beyond one plane), done per plane with the box's
    // farthest corner along the plane's normal.
    std::vector<std::uint8_t> visible(const Pose& pose, double vertical_fov_degrees, int width,
                                      int height) const {
        const double tan_y = std::tan(radians(vertical_fov_degrees) / 2.0);
        const double tan_x = tan_y * width / height;
        const Vec3 right = rotate(pose.rotation, {1.0, 0.0, 0.0});
        const Vec3 up = rotate(pose.rotation, {0.0, 1.0, 0.0});
        const Vec3 forward = rotate(pose.rotation, {0.0, 0.0, -1.0});
        const auto combine = [](const Vec3& f, double s, const Vec3& d, double sign) {
            return Vec3{s * f[0] + sign * d[0], s * f[1] + sign * d[1], s * f[2] + sign * d[2]};
        };
        // (inward normal, offset): a point p is inside when n.(p - eye) >= offset
        const std::array<std::pair<Vec3, double>, 5> planes{{
            {forward, NEAR_M},
            {combine(forward, tan_x, right, -1.0), 0.0},
            {combine(forward, tan_x, right, 1.0), 0.0},
            {combine(forward, tan_y, up, -1.0), 0.0},
            {combine(forward, tan_y, up, 1.0), 0.0},
        }};
        std::array<double, 5> reach{};
        for (std::size_t j = 0; j < planes.size(); ++j) {
            const Vec3& n = planes[j].first;
            reach[j] = half * (std::abs(n[0]) + std::abs(n[1]) + std::abs(n[2]));
        }
        const Vec3& p = pose.position;
        std::vector<std::uint8_t> out(keys.size(), 0);
        for (std::size_t i = 0; i < keys.size(); ++i) {
            const Vec3 offset{centre[i][0] - p[0], centre[i][1] - p[1], centre[i][2] - p[2]};
            bool outside = false;
            for (std::size_t j = 0; j < planes.size() && !outside; ++j) {
                const Vec3& n = planes[j].first;
                const double along = offset[0] * n[0] + offset[1] * n[1] + offset[2] * n[2];
                outside = along + reach[j] < planes[j].second;
            }
            const bool inside = p[0] >= box_min[i][0] && p[0] < box_max[i][0] &&
                                p[1] >= box_min[i][1] && p[1] < box_max[i][1] &&
                                p[2] >= box_min[i][2] && p[2] < box_max[i][2];
            out[i] = inside || !outside;
        }
        return out;
    }
};

// -- the plan ------------------------------------------------------------------------------

struct Plan {
    std::string address;
    std::string world;           // worlds/{world}
    std::vector<int> clients;    // ids of this process's clients
    int client_count = 0;        // clients in the whole benchmark (spreads their send times)
    double join_seconds = 0.0;   // the clients start over this long (0: within one tick)
    double seconds = 0.0;
    double vertical_fov_degrees = 0.0;
    int width = 0, height = 0;
    Pose spawn;
    double tile_size_m = 0.0;
    std::vector<Cell> cells;
    std::map<int, std::vector<Walk>> walks;  // per client, computed by the parent
};

Vec3 vec3_of(const Json& j) {
    return {j.items.at(0).number(), j.items.at(1).number(), j.items.at(2).number()};
}

Plan read_plan(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw std::runtime_error("cannot read " + path);
    std::stringstream text;
    text << in.rdbuf();
    const Json j = Json::parse(text.str());
    Plan plan;
    plan.address = j["address"].text;
    plan.world = j["world"].text;
    for (const Json& c : j["clients"].items) plan.clients.push_back(static_cast<int>(c.integer()));
    plan.client_count = static_cast<int>(j["client_count"].integer());
    plan.seconds = j["seconds"].number();
    if (j.has("join_seconds")) plan.join_seconds = j["join_seconds"].number();
    plan.vertical_fov_degrees = j["vertical_fov_degrees"].number();
    plan.width = static_cast<int>(j["viewport"].items.at(0).integer());
    plan.height = static_cast<int>(j["viewport"].items.at(1).integer());
    plan.spawn.position = vec3_of(j["spawn_position"]);
    const Json& q = j["spawn_rotation"];
    plan.spawn.rotation = {q.items.at(0).number(), q.items.at(1).number(),
                           q.items.at(2).number(), q.items.at(3).number()};
    plan.tile_size_m = j["tile_size_m"].number();
    for (const Json& c : j["cells"].items) {
        plan.cells.push_back({static_cast<int>(c.items.at(0).integer()),
                              static_cast<int>(c.items.at(1).integer()),
                              static_cast<int>(c.items.at(2).integer())});
    }
    if (!j.has("walks")) {
        throw std::runtime_error("the plan has no walks (stream_clients.walks_json writes them)");
    }
    const Json& walks = j["walks"];
    for (const int client : plan.clients) {
        std::vector<Walk>& out = plan.walks[client];
        for (const Json& w : walks[std::to_string(client)].items) {
            Walk walk;
            walk.kind = w["kind"].text;
            walk.origin = vec3_of(w["origin"]);
            walk.heading_degrees = w["heading_degrees"].number();
            walk.cold = w["cold"].boolean;
            walk.ticks = static_cast<int>(w["ticks"].integer());
            out.push_back(walk);
        }
    }
    return plan;
}

// -- one client's poses ----------------------------------------------------------------------

struct Prepared {
    int client = 0;
    std::vector<Walk> walks;
    std::vector<Pose> poses;                  // one per tick
    std::vector<std::vector<int>> entering;   // per tick: visible now and not at the tick before
    std::vector<std::vector<int>> leaving;    // per tick: visible at the tick before, not now
    std::vector<int> walk_of_tick;
};

// Every pose and the cells it brings into and out of view, ahead of time, so the run spends
// no CPU on them.
Prepared prepare(int client, const Plan& plan, const Cells& cells) {
    Prepared out;
    out.client = client;
    out.walks = plan.walks.at(client);
    std::vector<std::uint8_t> before(cells.keys.size(), 0);
    for (std::size_t j = 0; j < out.walks.size(); ++j) {
        for (int tick = 0; tick < out.walks[j].ticks; ++tick) {
            const Pose pose = out.walks[j].pose(plan.spawn, tick);
            const std::vector<std::uint8_t> now =
                cells.visible(pose, plan.vertical_fov_degrees, plan.width, plan.height);
            std::vector<int> entering, leaving;
            for (std::size_t i = 0; i < now.size(); ++i) {
                if (now[i] && !before[i]) entering.push_back(static_cast<int>(i));
                if (before[i] && !now[i]) leaving.push_back(static_cast<int>(i));
            }
            out.poses.push_back(pose);
            out.entering.push_back(std::move(entering));
            out.leaving.push_back(std::move(leaving));
            out.walk_of_tick.push_back(static_cast<int>(j));
            before = now;
        }
    }
    return out;
}

// -- results -------------------------------------------------------------------------------

// One client's counts, added together at the end; the keys and meanings of the Python
// clients' Stats.
struct Stats {
    std::vector<double> start_region_ms, walk_region_ms, cell_ms, first_complete_s,
        walk_complete_s, lag_ms;
    std::int64_t regions = 0, regions_left_view = 0, regions_open_at_end = 0, early_cells = 0,
                 splats = 0;
    std::map<std::int64_t, std::int64_t> splats_by_second;  // since the start
    std::int64_t tiles = 0, chunks = 0, payload_bytes = 0, removals = 0, views = 0,
                 ticks_skipped = 0, walks = 0, cold_walks = 0, streams = 0,
                 generation_events = 0;
    std::map<std::string, std::int64_t> header_encodings, chunk_encodings, warnings;
    std::vector<std::string> errors;
    double start = 0.0, end = 0.0, cpu_s = 0.0;

    void add(const Stats& o) {
        const auto extend = [](std::vector<double>& a, const std::vector<double>& b) {
            a.insert(a.end(), b.begin(), b.end());
        };
        extend(start_region_ms, o.start_region_ms);
        extend(walk_region_ms, o.walk_region_ms);
        extend(cell_ms, o.cell_ms);
        extend(first_complete_s, o.first_complete_s);
        extend(walk_complete_s, o.walk_complete_s);
        extend(lag_ms, o.lag_ms);
        regions += o.regions;
        regions_left_view += o.regions_left_view;
        regions_open_at_end += o.regions_open_at_end;
        early_cells += o.early_cells;
        splats += o.splats;
        for (const auto& [k, v] : o.splats_by_second) splats_by_second[k] += v;
        tiles += o.tiles;
        chunks += o.chunks;
        payload_bytes += o.payload_bytes;
        removals += o.removals;
        views += o.views;
        ticks_skipped += o.ticks_skipped;
        walks += o.walks;
        cold_walks += o.cold_walks;
        streams += o.streams;
        generation_events += o.generation_events;
        for (const auto& [k, v] : o.header_encodings) header_encodings[k] += v;
        for (const auto& [k, v] : o.chunk_encodings) chunk_encodings[k] += v;
        for (const auto& [k, v] : o.warnings) warnings[k] += v;
        errors.insert(errors.end(), o.errors.begin(), o.errors.end());
    }
};

std::string json_number(double v) {
    if (std::isnan(v)) return "NaN";
    if (std::isinf(v)) return v > 0 ? "Infinity" : "-Infinity";
    char buffer[64];
    const auto result = std::to_chars(buffer, buffer + sizeof(buffer), v);
    std::string text(buffer, result.ptr);
    if (text.find_first_of(".e") == std::string::npos) text += ".0";  // stays a float
    return text;
}

std::string json_string(const std::string& s) {
    std::string out = "\"";
    for (const char c : s) {
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (static_cast<unsigned char>(c) < 0x20) {
            char buffer[8];
            std::snprintf(buffer, sizeof(buffer), "\\u%04x", c);
            out += buffer;
        } else {
            out += c;
        }
    }
    return out + "\"";
}

std::string to_json(const Stats& s) {
    std::ostringstream o;
    bool first_key = true;
    const auto key = [&](const char* name) {
        o << (first_key ? "{" : ", ") << json_string(name) << ": ";
        first_key = false;
    };
    const auto floats = [&](const char* name, const std::vector<double>& values) {
        key(name);
        o << "[";
        for (std::size_t i = 0; i < values.size(); ++i) {
            o << (i ? ", " : "") << json_number(values[i]);
        }
        o << "]";
    };
    const auto integer = [&](const char* name, std::int64_t v) {
        key(name);
        o << v;
    };
    const auto counts = [&](const char* name, const auto& values) {
        key(name);
        o << "{";
        bool first = true;
        for (const auto& [k, v] : values) {
            std::ostringstream name_text;
            name_text << k;
            o << (first ? "" : ", ") << json_string(name_text.str()) << ": " << v;
            first = false;
        }
        o << "}";
    };
    floats("start_region_ms", s.start_region_ms);
    floats("walk_region_ms", s.walk_region_ms);
    floats("cell_ms", s.cell_ms);
    floats("first_complete_s", s.first_complete_s);
    floats("walk_complete_s", s.walk_complete_s);
    floats("lag_ms", s.lag_ms);
    integer("regions", s.regions);
    integer("regions_left_view", s.regions_left_view);
    integer("regions_open_at_end", s.regions_open_at_end);
    integer("early_cells", s.early_cells);
    integer("splats", s.splats);
    counts("splats_by_second", s.splats_by_second);
    integer("tiles", s.tiles);
    integer("chunks", s.chunks);
    integer("payload_bytes", s.payload_bytes);
    integer("removals", s.removals);
    integer("views", s.views);
    integer("ticks_skipped", s.ticks_skipped);
    integer("walks", s.walks);
    integer("cold_walks", s.cold_walks);
    integer("streams", s.streams);
    integer("generation_events", s.generation_events);
    counts("header_encodings", s.header_encodings);
    counts("chunk_encodings", s.chunk_encodings);
    counts("warnings", s.warnings);
    key("errors");
    o << "[";
    for (std::size_t i = 0; i < s.errors.size(); ++i) {
        o << (i ? ", " : "") << json_string(s.errors[i]);
    }
    o << "]";
    key("start");
    o << json_number(s.start);
    key("end");
    o << json_number(s.end);
    key("cpu_s");
    o << json_number(s.cpu_s);
    o << "}";
    return o.str();
}

// One answered region, for --trace.
struct TraceRow {
    int client = 0;
    bool first = false;       // a stream's first view (cold start)
    double opened_s = 0.0;    // since the run's start
    double ms = 0.0;          // update -> first tile of one of its cells
    std::int64_t cells = 0;   // newly visible cells it opened with
    std::int64_t before = 0;  // payload bytes the stream received in between
};

// -- one client and its streams --------------------------------------------------------------

struct Client;

// One Explore call: the client's holdings, its open regions, the reader.
class Stream {
public:
    Stream(Client& client, const std::vector<std::uint8_t>& visible);
    Stream(const Stream&) = delete;
    Stream& operator=(const Stream&) = delete;
    ~Stream() {
        if (reader_.joinable()) reader_.join();
    }

    bool open();  // false when the start could not be written (the reader runs regardless)
    void begin_walk(std::int64_t first_sequence);  // with the client's mutex held
    void set_first_complete(std::vector<double>* to) { on_first_complete_ = to; }  // mutex held
    void send_view(std::int64_t sequence, const Pose& pose, const std::vector<int>& entering,
                   const std::vector<int>& leaving);
    void close();

private:
    void reveal(std::int64_t sequence, const std::vector<int>& entering,
                const std::vector<int>& leaving, double now);
    void leave(std::int64_t region);
    void read();
    void on(const pb::ExploreResponse& response, double now);
    std::int64_t on_chunk(const pb::TileChunk& chunk, double now);
    void ack(std::int64_t nbytes);
    void first_chunk(const Cell& cell, double now);
    void on_status(const pb::ViewStatus& status, double now);
    void error(std::string message);

    Client& c_;
    grpc::ClientContext context_;
    std::unique_ptr<grpc::ClientReaderWriter<pb::ExploreRequest, pb::ExploreResponse>> call_;
    std::mutex write_;  // one write at a time; a view's reveal and its write together
    std::atomic<bool> closing_{false};

    // Guarded by the client's mutex.
    std::unordered_set<int> recheck_;  // visible cells to look at on the next view
    std::unordered_map<Cell, int, CellHash> held_;  // cell -> lod held
    std::optional<std::pair<Cell, std::int64_t>> arriving_;  // tile being reassembled, bytes
    std::unordered_map<int, std::pair<std::int64_t, double>> pending_;  // cell -> region, time
    std::unordered_map<std::int64_t, std::pair<double, double>> regions_;  // sent at, cells left
    std::optional<std::int64_t> first_region_;  // opened by the stream's first view
    std::int64_t views_ = 0;
    std::optional<std::pair<std::int64_t, double>> walk_;  // first sequence, first send time
    std::vector<double>* on_first_complete_ = nullptr;
    std::int64_t received_ = 0;         // payload bytes received on this stream
    std::int64_t received_before_ = 0;  // the same, before the chunk being taken
    std::unordered_map<std::int64_t, std::pair<std::int64_t, std::int64_t>> marks_;  // --trace

    std::thread reader_;
    std::mutex done_mutex_;
    std::condition_variable done_cv_;
    bool reader_done_ = false;
};

struct Client {
    Client(const Plan& p, const Cells& c, Prepared prep, double run_start)
        : plan(p), cells(c), prepared(std::move(prep)), visible(c.keys.size(), 0) {
        stats.start = run_start;
    }
    const Plan& plan;
    const Cells& cells;
    Prepared prepared;
    std::shared_ptr<grpc::Channel> channel;
    std::unique_ptr<pb::WorldStream::Stub> stub;

    std::mutex mutex;  // guards what follows and its streams' state
    Stats stats;
    std::vector<std::uint8_t> visible;  // the client's, kept current tick by tick
    std::vector<double> first_complete;
    bool trace = false;
    std::vector<TraceRow> traced;
    std::vector<double> opened;  // each stream's opening, since the run's start

    void run();
};

Stream::Stream(Client& client, const std::vector<std::uint8_t>& visible) : c_(client) {
    for (std::size_t i = 0; i < visible.size(); ++i) {
        if (visible[i]) recheck_.insert(static_cast<int>(i));
    }
}

void Stream::error(std::string message) {  // with the client's mutex held
    if (message.size() > 300) message.resize(300);
    c_.stats.errors.push_back(std::move(message));
}

bool Stream::open() {
    call_ = c_.stub->Explore(&context_);
    pb::ExploreRequest request;
    pb::ExploreStart* start = request.mutable_start();
    start->set_world(c_.plan.world);
    start->set_engine_frame(pb::ENGINE_FRAME_GLTF);
    start->add_encodings(pb::TILE_ENCODING_QUANTIZED_V1);
    start->add_encodings(pb::TILE_ENCODING_RAW_F32);
    start->set_no_generation(true);
    bool written;
    {
        std::lock_guard<std::mutex> lock(write_);
        written = call_->Write(request);
    }
    reader_ = std::thread([this] { read(); });
    return written;
}

void Stream::begin_walk(std::int64_t first_sequence) {
    walk_ = std::make_pair(first_sequence, 0.0);
}

void Stream::send_view(std::int64_t sequence, const Pose& pose, const std::vector<int>& entering,
                       const std::vector<int>& leaving) {
    pb::ExploreRequest request;
    pb::ViewUpdate* view = request.mutable_view();
    view->set_sequence(sequence);
    const Vec3& p = pose.position;
    const Quat& q = pose.rotation;
    const Vec3& v = pose.velocity;
    view->mutable_position()->set_x(p[0]);
    view->mutable_position()->set_y(p[1]);
    view->mutable_position()->set_z(p[2]);
    view->mutable_rotation()->set_x(q[0]);
    view->mutable_rotation()->set_y(q[1]);
    view->mutable_rotation()->set_z(q[2]);
    view->mutable_rotation()->set_w(q[3]);
    view->set_vertical_fov_degrees(c_.plan.vertical_fov_degrees);
    view->set_viewport_width(c_.plan.width);
    view->set_viewport_height(c_.plan.height);
    view->mutable_velocity()->set_x(v[0]);
    view->mutable_velocity()->set_y(v[1]);
    view->mutable_velocity()->set_z(v[2]);
    std::lock_guard<std::mutex> write_lock(write_);
    if (closing_) return;
    {
        std::lock_guard<std::mutex> lock(c_.mutex);
        const double now = monotonic();
        reveal(sequence, entering, leaving, now);
        if (walk_ && walk_->second == 0.0) walk_->second = now;
    }
    if (!call_->Write(request)) {
        std::lock_guard<std::mutex> lock(c_.mutex);
        error("view write failed: the stream is closed");
        closing_ = true;
        return;
    }
    std::lock_guard<std::mutex> lock(c_.mutex);
    views_ += 1;
    c_.stats.views += 1;
}

// Open a region for the cells this view newly shows that the client does not hold.
void Stream::reveal(std::int64_t sequence, const std::vector<int>& entering,
                    const std::vector<int>& leaving, double now) {
    for (const int index : leaving) {
        const auto it = pending_.find(index);
        if (it != pending_.end()) {
            const std::int64_t region = it->second.first;
            pending_.erase(it);
            leave(region);
        }
    }
    std::unordered_set<int> candidates = std::move(recheck_);
    recheck_.clear();
    candidates.insert(entering.begin(), entering.end());
    const std::vector<Cell>& keys = c_.cells.keys;
    std::vector<int> fresh;
    for (const int i : candidates) {
        if (c_.visible[i] && pending_.count(i) == 0 && held_.count(keys[i]) == 0 &&
            !(arriving_ && arriving_->first == keys[i])) {
            fresh.push_back(i);
        }
    }
    if (fresh.empty()) return;
    c_.stats.regions += 1;
    regions_[sequence] = {now, static_cast<double>(fresh.size())};
    if (views_ == 0) first_region_ = sequence;
    if (c_.trace) marks_[sequence] = {received_, static_cast<std::int64_t>(fresh.size())};
    for (const int i : fresh) pending_[i] = {sequence, now};
}

void Stream::leave(std::int64_t region) {
    const auto it = regions_.find(region);
    if (it == regions_.end()) return;
    it->second.second -= 1;
    if (it->second.second <= 0) {
        regions_.erase(it);
        c_.stats.regions_left_view += 1;
    }
}

void Stream::read() {
    pb::ExploreResponse response;
    while (call_->Read(&response)) on(response, monotonic());
    const grpc::Status status = call_->Finish();
    {
        std::lock_guard<std::mutex> lock(c_.mutex);
        if (!status.ok() && !(closing_ && status.error_code() == grpc::StatusCode::CANCELLED)) {
            error(std::string("RPC ") + status_name(status.error_code()) + ": " +
                  status.error_message());
        }
        if (!closing_) error("the server ended the stream");
    }
    std::lock_guard<std::mutex> lock(done_mutex_);
    reader_done_ = true;
    done_cv_.notify_all();
}

void Stream::on(const pb::ExploreResponse& response, double now) {
    std::int64_t nbytes = 0;
    {
        std::lock_guard<std::mutex> lock(c_.mutex);
        Stats& stats = c_.stats;
        switch (response.response_case()) {
            case pb::ExploreResponse::kTileChunk:
                nbytes = on_chunk(response.tile_chunk(), now);
                break;
            case pb::ExploreResponse::kTileBatch:
                // One ack for the message, as an engine would after handling it.
                for (const pb::TileChunk& chunk : response.tile_batch().chunks()) {
                    nbytes += on_chunk(chunk, now);
                }
                break;
            case pb::ExploreResponse::kHeader: {
                const int encoding = response.header().encoding();
                stats.header_encodings[pb::TileEncoding_Name(response.header().encoding())] += 1;
                if (!is_written(encoding)) {
                    error("header encoding " + std::to_string(encoding) + " was not asked for");
                }
                break;
            }
            case pb::ExploreResponse::kTileRemoval: {
                const pb::TileKey& key = response.tile_removal().key();
                const Cell cell{key.x(), key.y(), key.z()};
                stats.removals += 1;
                const auto held = held_.find(cell);
                if (held == held_.end() || held->second != key.lod()) {
                    error("removal of " + cell_text(cell) + " lod " + std::to_string(key.lod()) +
                          ", held " +
                          (held == held_.end() ? std::string("None")
                                               : std::to_string(held->second)));
                }
                if (held != held_.end()) held_.erase(held);
                const int index = c_.cells.find(cell);
                if (index >= 0 && c_.visible[index]) {
                    recheck_.insert(index);  // needed again: the next view reopens it
                }
                break;
            }
            case pb::ExploreResponse::kViewStatus:
                on_status(response.view_status(), now);
                break;
            case pb::ExploreResponse::kWarning:
                stats.warnings[response.warning().reason()] += 1;
                break;
            case pb::ExploreResponse::kGeneration:
                stats.generation_events += 1;
                break;
            case pb::ExploreResponse::kColliderChunk:
                error("unexpected response collider_chunk");
                break;
            case pb::ExploreResponse::RESPONSE_NOT_SET:
                error("unexpected response None");
                break;
        }
    }
    ack(nbytes);
}

// Take one chunk; the payload bytes of the tile it completes (0 when none).
std::int64_t Stream::on_chunk(const pb::TileChunk& chunk, double now) {
    Stats& stats = c_.stats;
    const pb::TileKey& key = chunk.key();
    const Cell cell{key.x(), key.y(), key.z()};
    stats.chunks += 1;
    received_before_ = received_;
    received_ += static_cast<std::int64_t>(chunk.data().size());
    if (chunk.chunk_index() == 0) {
        if (arriving_) {
            error("tile " + cell_text(cell) + " began before " + cell_text(arriving_->first) +
                  " ended");
        }
        arriving_ = std::make_pair(cell, std::int64_t{0});
        stats.chunk_encodings[pb::TileEncoding_Name(chunk.encoding())] += 1;
        if (held_.count(cell) == 0) first_chunk(cell, now);
    }
    if (!arriving_ || arriving_->first != cell) {
        error("chunk " + std::to_string(chunk.chunk_index()) + " of " + cell_text(cell) +
              " out of order");
        return 0;
    }
    const std::int64_t done = arriving_->second + static_cast<std::int64_t>(chunk.data().size());
    arriving_->second = done;
    if (chunk.chunk_index() < chunk.chunk_count() - 1) return 0;
    arriving_.reset();
    if (done != chunk.payload_bytes()) {
        error("tile " + cell_text(cell) + ": " + std::to_string(done) + " bytes, header said " +
              std::to_string(chunk.payload_bytes()));
    }
    held_[cell] = key.lod();  // replaces whatever level the cell had
    stats.tiles += 1;
    stats.splats += chunk.splat_count();
    // Python's int() of a positive float: truncation.
    const auto second = static_cast<std::int64_t>(now - stats.start);
    stats.splats_by_second[second] += chunk.splat_count();
    stats.payload_bytes += done;
    return done;
}

void Stream::ack(std::int64_t nbytes) {
    if (nbytes == 0 || closing_) return;  // no writes after WritesDone
    pb::ExploreRequest request;
    request.mutable_ack()->set_bytes(nbytes);
    std::lock_guard<std::mutex> write_lock(write_);
    if (closing_) return;
    if (!call_->Write(request)) {
        std::lock_guard<std::mutex> lock(c_.mutex);
        if (!closing_) error("ack write failed: the stream is closed");
    }
}

void Stream::first_chunk(const Cell& cell, double now) {
    Stats& stats = c_.stats;
    const int index = c_.cells.find(cell);
    const auto entry = index >= 0 ? pending_.find(index) : pending_.end();
    if (entry == pending_.end()) {
        stats.early_cells += 1;  // sent ahead of the view (margin, prefetch)
        return;
    }
    const auto [region, revealed] = entry->second;
    pending_.erase(entry);
    stats.cell_ms.push_back((now - revealed) * 1000.0);
    const auto opened = regions_.find(region);
    if (opened != regions_.end()) {
        const bool first = first_region_ && region == *first_region_;
        const double ms = (now - opened->second.first) * 1000.0;
        (first ? stats.start_region_ms : stats.walk_region_ms).push_back(ms);
        const auto mark = marks_.find(region);
        if (mark != marks_.end()) {
            c_.traced.push_back({c_.prepared.client, first, opened->second.first - stats.start,
                                 ms, mark->second.second, received_before_ - mark->second.first});
            marks_.erase(mark);
        }
        regions_.erase(opened);
    }
}

void Stream::on_status(const pb::ViewStatus& status, double now) {
    if (!status.complete() || !walk_ || status.sequence() < walk_->first) return;
    const double seconds = now - walk_->second;
    c_.stats.walk_complete_s.push_back(seconds);
    if (on_first_complete_ != nullptr) {
        on_first_complete_->push_back(seconds);
        on_first_complete_ = nullptr;
    }
    walk_.reset();
}

// Half-close and let the server end the call, as an engine leaving the world would.
void Stream::close() {
    {
        std::lock_guard<std::mutex> write_lock(write_);
        closing_ = true;
        call_->WritesDone();  // false when the stream is already gone: nothing to do
    }
    bool ended;
    {
        std::unique_lock<std::mutex> lock(done_mutex_);
        ended = done_cv_.wait_for(lock, std::chrono::duration<double>(CLOSE_TIMEOUT_S),
                                  [this] { return reader_done_; });
    }
    if (!ended) {
        {
            std::lock_guard<std::mutex> lock(c_.mutex);
            error("the stream had not ended 5 s after half-close");
        }
        context_.TryCancel();
    }
    if (reader_.joinable()) reader_.join();
    std::lock_guard<std::mutex> lock(c_.mutex);
    c_.stats.regions_open_at_end += static_cast<std::int64_t>(regions_.size());
}

void Client::run() {
    grpc::ChannelArguments args;
    // Every client gets its own TCP connection, as separate engines would; without this,
    // channels to one address share a connection.
    args.SetInt("grpc.use_local_subchannel_pool", 1);
    channel = grpc::CreateCustomChannel(plan.address, grpc::InsecureChannelCredentials(), args);
    stub = pb::WorldStream::NewStub(channel);
    // Clients join over join_seconds; with none, their send times still spread over one tick
    // rather than all landing at once.
    const double spread = plan.join_seconds > 0.0 ? plan.join_seconds : TICK_S;
    const double t0 =
        stats.start + static_cast<double>(prepared.client) / plan.client_count * spread;
    std::vector<std::unique_ptr<Stream>> streams;  // every stream lives until the end
    std::vector<std::thread> closing;
    Stream* stream = nullptr;
    int current = -1;
    std::int64_t tick = 0, applied = 0, sequence = 0;
    const auto ticks = static_cast<std::int64_t>(prepared.poses.size());
    while (tick < ticks) {
        double target = t0 + tick * TICK_S;
        double now = monotonic();
        if (now < target) {
            sleep_until(target);
            now = monotonic();
        }
        const auto behind = static_cast<std::int64_t>((now - target) / TICK_S);
        std::vector<int> entering, leaving;
        std::unique_lock<std::mutex> lock(mutex);
        if (behind) {  // an engine that stalls sends its latest pose, not a burst
            stats.ticks_skipped += std::min(behind, ticks - tick);
            tick += behind;
            if (tick >= ticks) break;
            target = t0 + tick * TICK_S;
        }
        stats.lag_ms.push_back((now - target) * 1000.0);
        // The view moves through the skipped ticks too.
        for (std::int64_t t = applied; t <= tick; ++t) {
            entering.insert(entering.end(), prepared.entering[t].begin(),
                            prepared.entering[t].end());
            leaving.insert(leaving.end(), prepared.leaving[t].begin(), prepared.leaving[t].end());
        }
        for (const int i : leaving) visible[i] = 0;
        for (const int i : entering) visible[i] = 1;
        applied = tick + 1;
        const int walk_index = prepared.walk_of_tick[tick];
        if (walk_index != current) {
            current = walk_index;
            const Walk& walk = prepared.walks[walk_index];
            stats.walks += 1;
            if (stream == nullptr || walk.cold) {
                stats.cold_walks += 1;
                if (stream != nullptr) {  // in the background: the frame loop goes on
                    closing.emplace_back([s = stream] { s->close(); });
                }
                streams.push_back(std::make_unique<Stream>(*this, visible));
                if (trace) opened.push_back(monotonic() - stats.start);
                stream = streams.back().get();
                stats.streams += 1;
                lock.unlock();
                const bool opened = stream->open();
                lock.lock();
                if (!opened) {
                    stats.errors.push_back("client " + std::to_string(prepared.client) +
                                           ": RPC the start could not be written");
                    break;
                }
            }
            stream->begin_walk(sequence + 1);
            stream->set_first_complete(walk_index == 0 ? &first_complete : nullptr);
        }
        lock.unlock();
        sequence += 1;
        stream->send_view(sequence, prepared.poses[tick], entering, leaving);
        tick += 1;
    }
    if (stream != nullptr) closing.emplace_back([s = stream] { s->close(); });
    for (std::thread& t : closing) t.join();
    std::lock_guard<std::mutex> lock(mutex);
    stats.first_complete_s.insert(stats.first_complete_s.end(), first_complete.begin(),
                                  first_complete.end());
}

// -- the process ---------------------------------------------------------------------------

void dump_prepared(const std::vector<Prepared>& all, const std::string& path) {
    std::ofstream out(path);
    out << "{";
    for (std::size_t c = 0; c < all.size(); ++c) {
        const Prepared& p = all[c];
        out << (c ? ", " : "") << json_string(std::to_string(p.client)) << ": {\"poses\": [";
        for (std::size_t t = 0; t < p.poses.size(); ++t) {
            const Pose& pose = p.poses[t];
            out << (t ? ", " : "") << "[";
            for (int i = 0; i < 3; ++i) out << json_number(pose.position[i]) << ", ";
            for (int i = 0; i < 4; ++i) out << json_number(pose.rotation[i]) << ", ";
            for (int i = 0; i < 3; ++i) out << json_number(pose.velocity[i]) << (i < 2 ? ", " : "");
            out << "]";
        }
        const auto lists = [&](const char* name, const std::vector<std::vector<int>>& ticks) {
            out << "], " << json_string(name) << ": [";
            for (std::size_t t = 0; t < ticks.size(); ++t) {
                out << (t ? ", " : "") << "[";
                for (std::size_t i = 0; i < ticks[t].size(); ++i) {
                    out << (i ? ", " : "") << ticks[t][i];
                }
                out << "]";
            }
        };
        lists("entering", p.entering);
        lists("leaving", p.leaving);
        out << "], \"walk_of_tick\": [";
        for (std::size_t t = 0; t < p.walk_of_tick.size(); ++t) {
            out << (t ? ", " : "") << p.walk_of_tick[t];
        }
        out << "]}";
    }
    out << "}\n";
}

void write_trace(const std::vector<std::unique_ptr<Client>>& clients, const std::string& path) {
    std::ofstream out(path);
    out << "{\"regions\": [";
    bool first = true;
    for (const auto& client : clients) {
        for (const TraceRow& r : client->traced) {
            out << (first ? "" : ", ") << "[" << r.client << ", " << (r.first ? "true" : "false")
                << ", " << json_number(r.opened_s) << ", " << json_number(r.ms) << ", "
                << r.cells << ", " << r.before << "]";
            first = false;
        }
    }
    out << "], \"opened\": [";
    first = true;
    for (const auto& client : clients) {
        for (const double t : client->opened) {
            out << (first ? "" : ", ") << "[" << client->prepared.client << ", "
                << json_number(t) << "]";
            first = false;
        }
    }
    out << "]}\n";
}

int run(int argc, char** argv) {
    std::string plan_path, out_path, dump_path, trace_path;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (i + 1 >= argc) throw std::runtime_error("missing the value of " + arg);
        if (arg == "--plan") {
            plan_path = argv[++i];
        } else if (arg == "--out") {
            out_path = argv[++i];
        } else if (arg == "--dump-prepared") {
            dump_path = argv[++i];
        } else if (arg == "--trace") {
            trace_path = argv[++i];
        } else {
            throw std::runtime_error("unknown argument " + arg);
        }
    }
    if (plan_path.empty() || (out_path.empty() && dump_path.empty())) {
        std::cerr << "usage: ws_stream_clients --plan PLAN.json (--out RESULTS.json | "
                     "--dump-prepared OUT.json)\n";
        return 2;
    }
    const Plan plan = read_plan(plan_path);
    const Cells cells(plan.cells, plan.tile_size_m);
    std::vector<Prepared> prepared;
    for (const int c : plan.clients) prepared.push_back(prepare(c, plan, cells));
    if (!dump_path.empty()) {
        dump_prepared(prepared, dump_path);
        return 0;
    }
    std::cout << "ready" << std::endl;
    std::string go;
    std::getline(std::cin, go);  // the parent says go once every client process is ready
    const double cpu = process_cpu_s();
    const double start = monotonic();
    std::vector<std::unique_ptr<Client>> clients;
    for (Prepared& p : prepared) {
        clients.push_back(std::make_unique<Client>(plan, cells, std::move(p), start));
        clients.back()->trace = !trace_path.empty();
    }
    std::vector<std::thread> threads;
    for (auto& client : clients) threads.emplace_back([&client] { client->run(); });
    for (std::thread& t : threads) t.join();
    Stats total;
    for (const auto& client : clients) total.add(client->stats);
    total.start = start;
    total.end = monotonic();
    total.cpu_s = process_cpu_s() - cpu;
    std::ofstream out(out_path);
    out << to_json(total);
    if (!out) throw std::runtime_error("cannot write " + out_path);
    if (!trace_path.empty()) write_trace(clients, trace_path);
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    try {
        return run(argc, argv);
    } catch (const std::exception& e) {
        std::cerr << "ws_stream_clients: " << e.what() << "\n";
        return 1;
    }
}
