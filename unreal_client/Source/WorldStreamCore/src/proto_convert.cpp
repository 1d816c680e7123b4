#include "proto_convert.h"

namespace worldstream::convert {

namespace {

Vec3 vec3(const pb::Vec3& v) { return {v.x(), v.y(), v.z()}; }
Quat quat(const pb::Quat& q) { return {q.x(), q.y(), q.z(), q.w()}; }

void set_vec3(pb::Vec3* out, const Vec3& v) {
    out->set_x(v.x);
    out->set_y(v.y);
    out->set_z(v.z);
}

int64_t unix_ms(const google::protobuf::Timestamp& t) {
    return t.seconds() * 1000 + t.nanos() / 1000000;
}

// Enum numbers outside the ones this client knows read as Unspecified.
template <class E>
E known_enum(int value, int last) {
    return value >= 0 && value <= last ? static_cast<E>(value) : E::Unspecified;
}

}  // namespace

WorldInfo world(const pb::World& w) {
    WorldInfo out;
    out.name = w.name();
    out.display_name = w.display_name();
    out.state = known_enum<WorldState>(w.state(), 3);
    out.create_time_unix_ms = unix_ms(w.create_time());
    out.update_time_unix_ms = unix_ms(w.update_time());
    out.splat_count = w.splat_count();
    out.frame_count = w.frame_count();
    out.tile_size_m = w.tile_size_m();
    out.sh_degree = w.sh_degree();
    out.bounds_min = vec3(w.bounds_min());
    out.bounds_max = vec3(w.bounds_max());
    out.depth_source = w.scale().depth_source();
    out.metric_scale = w.scale().metric();
    out.median_depth_m = w.scale().median_depth_m();
    out.generator = w.generator();
    out.failure_message = w.failure_message();
    out.spawn_position = vec3(w.spawn_position());
    out.spawn_rotation = quat(w.spawn_rotation());
    out.spawn_vertical_fov_degrees = w.spawn_vertical_fov_degrees();
    out.uid = w.uid();
    return out;
}

Progress progress(const pb::Progress& p) { return {p.stage(), p.fraction(), p.message()}; }

ExploreHeaderInfo header(const pb::ExploreHeader& h) {
    ExploreHeaderInfo out;
    out.world = world(h.world());
    out.engine_frame = known_enum<EngineFrame>(h.engine_frame(), 3);
    out.encoding = known_enum<TileEncoding>(h.encoding(), 2);
    out.splat_budget = h.splat_budget();
    out.credit_bytes = h.credit_bytes();
    out.max_chunk_bytes = h.max_chunk_bytes();
    out.resumed_tiles = h.resumed_tiles();
    out.spawn_position = vec3(h.spawn_position());
    out.spawn_rotation = quat(h.spawn_rotation());
    return out;
}

ViewStatusInfo view_status(const pb::ViewStatus& s) {
    ViewStatusInfo out;
    out.sequence = s.sequence();
    out.complete = s.complete();
    out.pending_tiles = s.pending_tiles();
    out.resident_splats = s.resident_splats();
    out.pending_generation = s.pending_generation();
    out.world_version = s.world_version();
    return out;
}

GenerationProgressInfo generation(const pb::GenerationProgress& g) {
    return {g.job(), progress(g.progress())};
}

WarningInfo warning(const pb::StreamWarning& w) {
    WarningInfo out{w.reason(), w.message(), {}};
    for (const auto& [k, v] : w.metadata()) out.metadata[k] = v;
    return out;
}

TileKey key(const pb::TileKey& k) { return {k.x(), k.y(), k.z(), k.lod()}; }

TileChunkInfo chunk_info(const pb::TileChunk& c) {
    TileChunkInfo out;
    out.key = key(c.key());
    out.version = c.version();
    // An encoding this client does not know stays visible as its number: the decoder refuses it.
    out.encoding = static_cast<TileEncoding>(c.encoding());
    out.chunk_index = c.chunk_index();
    out.chunk_count = c.chunk_count();
    out.splat_count = c.splat_count();
    out.payload_bytes = c.payload_bytes();
    out.geometric_error = c.geometric_error();
    return out;
}

pb::ExploreRequest start(const ExploreOptions& options, const std::vector<HeldTile>& held,
                         const std::string& held_world_uid) {
    pb::ExploreRequest request;
    pb::ExploreStart* s = request.mutable_start();
    s->set_world(options.world);
    s->set_engine_frame(static_cast<pb::EngineFrame>(options.engine_frame));
    s->set_splat_budget(options.splat_budget);
    s->set_credit_bytes(options.credit_bytes);
    for (TileEncoding e : options.encodings) s->add_encodings(static_cast<pb::TileEncoding>(e));
    for (const HeldTile& h : held) {
        pb::HeldTile* out = s->add_held_tiles();
        out->mutable_key()->set_x(h.key.x);
        out->mutable_key()->set_y(h.key.y);
        out->mutable_key()->set_z(h.key.z);
        out->mutable_key()->set_lod(h.key.lod);
        out->set_version(h.version);
        out->set_splat_count(h.splat_count);
    }
    s->set_world_uid(held_world_uid);
    s->set_no_generation(options.no_generation);
    return request;
}

pb::ExploreRequest view(const ViewToSend& v) {
    pb::ExploreRequest request;
    pb::ViewUpdate* u = request.mutable_view();
    u->set_sequence(v.sequence);
    set_vec3(u->mutable_position(), v.pose.position);
    u->mutable_rotation()->set_x(v.pose.rotation.x);
    u->mutable_rotation()->set_y(v.pose.rotation.y);
    u->mutable_rotation()->set_z(v.pose.rotation.z);
    u->mutable_rotation()->set_w(v.pose.rotation.w);
    u->set_vertical_fov_degrees(v.pose.vertical_fov_degrees);
    u->set_viewport_width(v.pose.viewport_width);
    u->set_viewport_height(v.pose.viewport_height);
    set_vec3(u->mutable_velocity(), v.pose.velocity);
    return request;
}

pb::ExploreRequest ack(int64_t bytes) {
    pb::ExploreRequest request;
    request.mutable_ack()->set_bytes(bytes);
    return request;
}

}  // namespace worldstream::convert
