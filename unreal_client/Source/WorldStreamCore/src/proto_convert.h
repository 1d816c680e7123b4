// Between the generated protobuf messages and the core's plain structs. Internal: the only
// place besides client.cpp and explore_session.cpp that sees generated types.
#pragma once

#include <string>
#include <vector>

#include "worldstream/chunk_assembler.h"
#include "worldstream/client.h"
#include "worldstream/messages.h"
#include "worldstream/v1/worldstream.pb.h"

namespace worldstream::convert {

namespace pb = ::worldstream::v1;

WorldInfo world(const pb::World& w);
Progress progress(const pb::Progress& p);
ExploreHeaderInfo header(const pb::ExploreHeader& h);
ViewStatusInfo view_status(const pb::ViewStatus& s);
GenerationProgressInfo generation(const pb::GenerationProgress& g);
WarningInfo warning(const pb::StreamWarning& w);
TileKey key(const pb::TileKey& k);
TileChunkInfo chunk_info(const pb::TileChunk& c);

// `held` and `held_world_uid`: the tiles held and the World.uid of the instance they came from.
pb::ExploreRequest start(const ExploreOptions& options, const std::vector<HeldTile>& held,
                         const std::string& held_world_uid);
pb::ExploreRequest view(const ViewToSend& view);
pb::ExploreRequest ack(int64_t bytes);

}  // namespace worldstream::convert
