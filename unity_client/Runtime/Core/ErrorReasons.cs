namespace WorldStream.Core
{
    /// <summary>
    /// The google.rpc.ErrorInfo reasons of domain "worldstream" (docs/errors.md) and the
    /// StreamWarning reasons of Explore. Switch on these, not on messages.
    /// </summary>
    public static class ErrorReasons
    {
        public const string Domain = "worldstream";

        public const string InvalidWorldName = "INVALID_WORLD_NAME";
        public const string InvalidWorldId = "INVALID_WORLD_ID";
        public const string PhotoEmpty = "PHOTO_EMPTY";
        public const string PhotoTooLarge = "PHOTO_TOO_LARGE";
        public const string PhotoTooManyPixels = "PHOTO_TOO_MANY_PIXELS";
        public const string PhotoTooSmall = "PHOTO_TOO_SMALL";
        public const string PhotoNotAnImage = "PHOTO_NOT_AN_IMAGE";
        public const string PhotoCorrupt = "PHOTO_CORRUPT";
        public const string PhotoDecodeTooLarge = "PHOTO_DECODE_TOO_LARGE";
        public const string PhotoFormatUnsupported = "PHOTO_FORMAT_UNSUPPORTED";
        public const string InvalidFieldOfView = "INVALID_FIELD_OF_VIEW";
        public const string InvalidTileSize = "INVALID_TILE_SIZE";
        public const string InvalidMaxSide = "INVALID_MAX_SIDE";
        public const string MaxSideTooLarge = "MAX_SIDE_TOO_LARGE";
        public const string UnknownGenerator = "UNKNOWN_GENERATOR";
        public const string DepthModelNotFound = "DEPTH_MODEL_NOT_FOUND";
        public const string DepthModelInvalid = "DEPTH_MODEL_INVALID";
        public const string InvalidDepthOption = "INVALID_DEPTH_OPTION";
        public const string InvalidDepth = "INVALID_DEPTH";
        public const string DepthModelFailed = "DEPTH_MODEL_FAILED";
        public const string DepthRuntimeMissing = "DEPTH_RUNTIME_MISSING";
        public const string InvalidPageSize = "INVALID_PAGE_SIZE";
        public const string InvalidPageToken = "INVALID_PAGE_TOKEN";
        public const string StartRequired = "START_REQUIRED";
        public const string StartTimeout = "START_TIMEOUT";
        public const string InvalidEngineFrame = "INVALID_ENGINE_FRAME";
        public const string InvalidSplatBudget = "INVALID_SPLAT_BUDGET";
        public const string InvalidCreditBytes = "INVALID_CREDIT_BYTES";
        public const string ManifestTooLarge = "MANIFEST_TOO_LARGE";
        public const string InvalidHeldTile = "INVALID_HELD_TILE";
        public const string NoSupportedEncoding = "NO_SUPPORTED_ENCODING";
        public const string WorldNotFound = "WORLD_NOT_FOUND";
        public const string WorldDeleted = "WORLD_DELETED";
        public const string WorldAlreadyExists = "WORLD_ALREADY_EXISTS";
        public const string WorldNotReady = "WORLD_NOT_READY";
        public const string ExportFormatUnsupported = "EXPORT_FORMAT_UNSUPPORTED";
        public const string WorldDataCorrupt = "WORLD_DATA_CORRUPT";
        public const string CreateFailed = "CREATE_FAILED";
        public const string Internal = "INTERNAL";

        // StreamWarning reasons: the stream goes on.
        public const string InvalidView = "INVALID_VIEW";
        public const string ViewSequenceNotIncreasing = "VIEW_SEQUENCE_NOT_INCREASING";
        public const string DuplicateStart = "DUPLICATE_START";
        public const string AckExceedsSent = "ACK_EXCEEDS_SENT";
        public const string EmptyRequest = "EMPTY_REQUEST";
        public const string ViewOverBudget = "VIEW_OVER_BUDGET";
        public const string ViewStalled = "VIEW_STALLED";
    }
}
