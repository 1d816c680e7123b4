namespace WorldStream.Core
{
    /// <summary>
    /// gRPC status codes, with gRPC's numbers (as Grpc.Core.StatusCode). The Core has no gRPC
    /// reference, so the transport casts between the two.
    /// </summary>
    public enum StatusCode
    {
        OK = 0,
        Cancelled = 1,
        Unknown = 2,
        InvalidArgument = 3,
        DeadlineExceeded = 4,
        NotFound = 5,
        AlreadyExists = 6,
        PermissionDenied = 7,
        ResourceExhausted = 8,
        FailedPrecondition = 9,
        Aborted = 10,
        OutOfRange = 11,
        Unimplemented = 12,
        Internal = 13,
        Unavailable = 14,
        DataLoss = 15,
        Unauthenticated = 16,
    }

    /// <summary>What a caller should do about a failed call.</summary>
    public enum RetryAdvice
    {
        /// <summary>The call succeeded.</summary>
        None,
        /// <summary>The same request will fail the same way: fix the request (or the code).</summary>
        DoNotRetry,
        /// <summary>A transient failure: retry after a backoff (an Explore stream resumes with its manifest).</summary>
        RetryWithBackoff,
        /// <summary>The request is fine but the state is not yet (e.g. WORLD_NOT_READY): retry once it changes.</summary>
        RetryWhenStateChanges,
        /// <summary>Credentials are missing or refused: ask the user.</summary>
        Reauthenticate,
        /// <summary>The caller cancelled; nothing to do.</summary>
        Abandon,
    }
}
