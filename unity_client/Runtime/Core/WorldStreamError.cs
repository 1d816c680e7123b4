using System.Collections.Generic;

namespace WorldStream.Core
{
    /// <summary>
    /// A failed call: the gRPC code, the ErrorInfo reason (empty when the server sent none, e.g.
    /// gRPC's own RESOURCE_EXHAUSTED or a transport failure), the message for people and the
    /// ErrorInfo metadata.
    /// </summary>
    public sealed class WorldStreamError
    {
        static readonly Dictionary<string, string> NoMetadata = new Dictionary<string, string>();

        public WorldStreamError(StatusCode code, string message, string reason = "",
            IEnumerable<KeyValuePair<string, string>> metadata = null)
        {
            Code = code;
            Message = message ?? "";
            Reason = reason ?? "";
            if (metadata == null)
            {
                Metadata = NoMetadata;
                return;
            }
            var copy = new Dictionary<string, string>();
            foreach (var pair in metadata) copy[pair.Key] = pair.Value;
            Metadata = copy;
        }

        /// <summary>A code number from the wire; numbers gRPC does not define read as Unknown.</summary>
        public static WorldStreamError FromWire(int code, string message, string reason = "",
            IEnumerable<KeyValuePair<string, string>> metadata = null) =>
            new WorldStreamError(StatusCodes.FromNumber(code), message, reason, metadata);

        public StatusCode Code { get; }

        public string Reason { get; }

        public string Message { get; }

        public IReadOnlyDictionary<string, string> Metadata { get; }

        public RetryAdvice Advice => StatusCodes.Advice(Code, Reason);

        public override string ToString() =>
            StatusCodes.Name(Code) + ": " + Message + (Reason.Length > 0 ? " (" + Reason + ")" : "");
    }

    /// <summary>The one-to-one table of gRPC codes: names and retry advice.</summary>
    public static class StatusCodes
    {
        static readonly string[] Names =
        {
            "OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND",
            "ALREADY_EXISTS", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION",
            "ABORTED", "OUT_OF_RANGE", "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS",
            "UNAUTHENTICATED",
        };

        /// <summary>Every code gRPC defines, in number order.</summary>
        public static readonly StatusCode[] All =
        {
            StatusCode.OK, StatusCode.Cancelled, StatusCode.Unknown, StatusCode.InvalidArgument,
            StatusCode.DeadlineExceeded, StatusCode.NotFound, StatusCode.AlreadyExists,
            StatusCode.PermissionDenied, StatusCode.ResourceExhausted, StatusCode.FailedPrecondition,
            StatusCode.Aborted, StatusCode.OutOfRange, StatusCode.Unimplemented, StatusCode.Internal,
            StatusCode.Unavailable, StatusCode.DataLoss, StatusCode.Unauthenticated,
        };

        public static StatusCode FromNumber(int code) =>
            code >= 0 && code < Names.Length ? (StatusCode)code : StatusCode.Unknown;

        /// <summary>The canonical UPPER_SNAKE name, as in the gRPC spec and docs/errors.md.</summary>
        public static string Name(StatusCode code)
        {
            int n = (int)code;
            return n >= 0 && n < Names.Length ? Names[n] : "UNKNOWN";
        }

        /// <summary>
        /// What to do about a code (gRPC's status code guide), refined by reason where the
        /// server says more: WORLD_NOT_READY will pass once creation finishes.
        /// </summary>
        public static RetryAdvice Advice(StatusCode code, string reason)
        {
            switch (code)
            {
                case StatusCode.OK:
                    return RetryAdvice.None;
                case StatusCode.Cancelled:
                    return RetryAdvice.Abandon;
                case StatusCode.DeadlineExceeded:
                case StatusCode.ResourceExhausted:
                case StatusCode.Aborted:
                case StatusCode.Unavailable:
                    return RetryAdvice.RetryWithBackoff;
                case StatusCode.FailedPrecondition:
                    return reason == ErrorReasons.WorldNotReady
                        ? RetryAdvice.RetryWhenStateChanges
                        : RetryAdvice.DoNotRetry;
                case StatusCode.Unauthenticated:
                case StatusCode.PermissionDenied:
                    return RetryAdvice.Reauthenticate;
                case StatusCode.Unknown:
                case StatusCode.InvalidArgument:
                case StatusCode.NotFound:
                case StatusCode.AlreadyExists:
                case StatusCode.OutOfRange:
                case StatusCode.Unimplemented:
                case StatusCode.Internal:
                case StatusCode.DataLoss:
                    return RetryAdvice.DoNotRetry;
                default:
                    return RetryAdvice.DoNotRetry;
            }
        }
    }
}
