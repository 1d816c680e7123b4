// The google.rpc.ErrorInfo reasons of domain "worldstream" (docs/errors.md) and the
// StreamWarning reasons of Explore. Switch on these, never on messages.
#pragma once

namespace worldstream::reasons {

inline constexpr const char* kDomain = "worldstream";

inline constexpr const char* kInvalidWorldName = "INVALID_WORLD_NAME";
inline constexpr const char* kInvalidWorldId = "INVALID_WORLD_ID";
inline constexpr const char* kPhotoEmpty = "PHOTO_EMPTY";
inline constexpr const char* kPhotoTooLarge = "PHOTO_TOO_LARGE";
inline constexpr const char* kPhotoTooManyPixels = "PHOTO_TOO_MANY_PIXELS";
inline constexpr const char* kPhotoTooSmall = "PHOTO_TOO_SMALL";
inline constexpr const char* kPhotoNotAnImage = "PHOTO_NOT_AN_IMAGE";
inline constexpr const char* kPhotoCorrupt = "PHOTO_CORRUPT";
inline constexpr const char* kPhotoDecodeTooLarge = "PHOTO_DECODE_TOO_LARGE";
inline constexpr const char* kPhotoFormatUnsupported = "PHOTO_FORMAT_UNSUPPORTED";
inline constexpr const char* kInvalidFieldOfView = "INVALID_FIELD_OF_VIEW";
inline constexpr const char* kInvalidTileSize = "INVALID_TILE_SIZE";
inline constexpr const char* kInvalidMaxSide = "INVALID_MAX_SIDE";
inline constexpr const char* kMaxSideTooLarge = "MAX_SIDE_TOO_LARGE";
inline constexpr const char* kUnknownGenerator = "UNKNOWN_GENERATOR";
inline constexpr const char* kDepthModelNotFound = "DEPTH_MODEL_NOT_FOUND";
inline constexpr const char* kDepthModelInvalid = "DEPTH_MODEL_INVALID";
inline constexpr const char* kInvalidDepthOption = "INVALID_DEPTH_OPTION";
inline constexpr const char* kInvalidDepth = "INVALID_DEPTH";
inline constexpr const char* kDepthModelFailed = "DEPTH_MODEL_FAILED";
inline constexpr const char* kDepthRuntimeMissing = "DEPTH_RUNTIME_MISSING";
inline constexpr const char* kInvalidDisplayName = "INVALID_DISPLAY_NAME";
inline constexpr const char* kMalformedRequest = "MALFORMED_REQUEST";
inline constexpr const char* kInvalidExportFormat = "INVALID_EXPORT_FORMAT";
inline constexpr const char* kFrameNotApplicable = "FRAME_NOT_APPLICABLE";
inline constexpr const char* kInvalidPageSize = "INVALID_PAGE_SIZE";
inline constexpr const char* kInvalidPageToken = "INVALID_PAGE_TOKEN";
inline constexpr const char* kStartRequired = "START_REQUIRED";
inline constexpr const char* kStartTimeout = "START_TIMEOUT";
inline constexpr const char* kInvalidEngineFrame = "INVALID_ENGINE_FRAME";
inline constexpr const char* kInvalidSplatBudget = "INVALID_SPLAT_BUDGET";
inline constexpr const char* kInvalidCreditBytes = "INVALID_CREDIT_BYTES";
inline constexpr const char* kManifestTooLarge = "MANIFEST_TOO_LARGE";
inline constexpr const char* kInvalidHeldTile = "INVALID_HELD_TILE";
inline constexpr const char* kNoSupportedEncoding = "NO_SUPPORTED_ENCODING";
inline constexpr const char* kWorldNotFound = "WORLD_NOT_FOUND";
inline constexpr const char* kWorldDeleted = "WORLD_DELETED";
inline constexpr const char* kWorldAlreadyExists = "WORLD_ALREADY_EXISTS";
inline constexpr const char* kTokenMissing = "TOKEN_MISSING";
inline constexpr const char* kTokenInvalid = "TOKEN_INVALID";
inline constexpr const char* kWorldLimitReached = "WORLD_LIMIT_REACHED";
inline constexpr const char* kSessionLimitReached = "SESSION_LIMIT_REACHED";
inline constexpr const char* kCreationLimitReached = "CREATION_LIMIT_REACHED";
inline constexpr const char* kUploadLimitReached = "UPLOAD_LIMIT_REACHED";
inline constexpr const char* kExportLimitReached = "EXPORT_LIMIT_REACHED";
inline constexpr const char* kGenerationQueueFull = "GENERATION_QUEUE_FULL";
inline constexpr const char* kWorldGrowthLimit = "WORLD_GROWTH_LIMIT";
inline constexpr const char* kStorageFull = "STORAGE_FULL";
inline constexpr const char* kStorageNotWritable = "STORAGE_NOT_WRITABLE";
inline constexpr const char* kWorldNotReady = "WORLD_NOT_READY";
inline constexpr const char* kExportFormatUnsupported = "EXPORT_FORMAT_UNSUPPORTED";
inline constexpr const char* kWorldDataCorrupt = "WORLD_DATA_CORRUPT";
inline constexpr const char* kStorageIoError = "STORAGE_IO_ERROR";
inline constexpr const char* kCreateFailed = "CREATE_FAILED";
inline constexpr const char* kInternal = "INTERNAL";

// StreamWarning reasons: the stream goes on.
inline constexpr const char* kInvalidView = "INVALID_VIEW";
inline constexpr const char* kViewRateLimited = "VIEW_RATE_LIMITED";
inline constexpr const char* kViewSequenceNotIncreasing = "VIEW_SEQUENCE_NOT_INCREASING";
inline constexpr const char* kDuplicateStart = "DUPLICATE_START";
inline constexpr const char* kAckExceedsSent = "ACK_EXCEEDS_SENT";
inline constexpr const char* kEmptyRequest = "EMPTY_REQUEST";
inline constexpr const char* kGenerationFailed = "GENERATION_FAILED";
inline constexpr const char* kPlanFailed = "PLAN_FAILED";
inline constexpr const char* kViewOverBudget = "VIEW_OVER_BUDGET";  // the view never completes
inline constexpr const char* kViewStalled = "VIEW_STALLED";

// Warnings this client raises itself, on the same event path as the server's.
inline constexpr const char* kChunkOrder = "CHUNK_ORDER";            // a chunk broke the order rule
inline constexpr const char* kPayloadRejected = "PAYLOAD_REJECTED";  // a payload did not decode
inline constexpr const char* kOverSplatBudget = "OVER_SPLAT_BUDGET"; // holding more than the budget

// Reasons of errors made on this side, with no server involved.
inline constexpr const char* kClientInvalidOptions = "CLIENT_INVALID_OPTIONS";

}  // namespace worldstream::reasons
