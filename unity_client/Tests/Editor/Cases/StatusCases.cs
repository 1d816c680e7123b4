using System;
using System.Collections.Generic;
using WorldStream.Core;

namespace WorldStream.Tests
{
    /// <summary>Every gRPC status code maps to one typed error with retry advice.</summary>
    public static class StatusCases
    {
        // A google.rpc.Status as Python's protobuf serializes it (tests/test_unity_core.py checks
        // that these bytes are what status_pb2 writes): code 5 (NOT_FOUND), message
        // "world worlds/nope does not exist", one ErrorInfo(reason WORLD_NOT_FOUND, domain
        // worldstream, metadata {world: worlds/nope}).
        public const string NotFoundStatusHex =
            "08051220776f726c6420776f726c64732f6e6f706520646f6573206e6f742065786973741a600a287479"
            + "70652e676f6f676c65617069732e636f6d2f676f6f676c652e7270632e4572726f72496e666f12340a0f"
            + "574f524c445f4e4f545f464f554e44120b776f726c6473747265616d1a140a05776f726c64120b776f72"
            + "6c64732f6e6f7065";

        public static void Every_grpc_code_has_its_own_name_and_advice()
        {
            string[] names =
            {
                "OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND",
                "ALREADY_EXISTS", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION",
                "ABORTED", "OUT_OF_RANGE", "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS",
                "UNAUTHENTICATED",
            };
            Check.Equal(names.Length, StatusCodes.All.Length, "codes");
            var seen = new HashSet<StatusCode>();
            for (int n = 0; n < names.Length; n++)
            {
                var code = StatusCodes.FromNumber(n);
                Check.Equal(n, (int)code, "number of " + names[n]);
                Check.Equal(names[n], StatusCodes.Name(code), "name of code " + n);
                Check.True(seen.Add(code), "code " + n + " maps to its own value");
                var advice = StatusCodes.Advice(code, "");
                Check.True(n == 0 ? advice == RetryAdvice.None : advice != RetryAdvice.None, names[n] + " advice " + advice);
            }
        }

        public static void Numbers_outside_grpc_read_as_unknown()
        {
            Check.Equal(StatusCode.Unknown, StatusCodes.FromNumber(17), "17");
            Check.Equal(StatusCode.Unknown, StatusCodes.FromNumber(-1), "-1");
            Check.Equal(StatusCode.Unknown, WorldStreamError.FromWire(99, "x").Code, "99");
        }

        public static void Advice_follows_the_codes_meaning_and_the_reason()
        {
            Check.Equal(RetryAdvice.RetryWithBackoff, StatusCodes.Advice(StatusCode.Unavailable, ""), "UNAVAILABLE");
            Check.Equal(RetryAdvice.RetryWithBackoff, StatusCodes.Advice(StatusCode.DeadlineExceeded, ""), "DEADLINE_EXCEEDED");
            Check.Equal(RetryAdvice.DoNotRetry, StatusCodes.Advice(StatusCode.InvalidArgument, ErrorReasons.PhotoTooLarge), "INVALID_ARGUMENT");
            Check.Equal(RetryAdvice.DoNotRetry, StatusCodes.Advice(StatusCode.NotFound, ErrorReasons.WorldNotFound), "NOT_FOUND");
            Check.Equal(RetryAdvice.RetryWhenStateChanges, StatusCodes.Advice(StatusCode.FailedPrecondition, ErrorReasons.WorldNotReady), "WORLD_NOT_READY");
            Check.Equal(RetryAdvice.DoNotRetry, StatusCodes.Advice(StatusCode.FailedPrecondition, ErrorReasons.DepthModelFailed), "DEPTH_MODEL_FAILED");
            Check.Equal(RetryAdvice.Reauthenticate, StatusCodes.Advice(StatusCode.Unauthenticated, ""), "UNAUTHENTICATED");
            Check.Equal(RetryAdvice.Abandon, StatusCodes.Advice(StatusCode.Cancelled, ""), "CANCELLED");
        }

        public static void The_status_trailer_gives_code_reason_and_metadata()
        {
            var error = RpcStatusDetails.Parse(Hex(NotFoundStatusHex));
            Check.Equal(StatusCode.NotFound, error.Code, "code");
            Check.Equal("world worlds/nope does not exist", error.Message, "message");
            Check.Equal(ErrorReasons.WorldNotFound, error.Reason, "reason");
            Check.Equal("worlds/nope", error.Metadata["world"], "metadata");
            Check.Equal(RetryAdvice.DoNotRetry, error.Advice, "advice");
            Check.Equal("NOT_FOUND: world worlds/nope does not exist (WORLD_NOT_FOUND)", error.ToString(), "text");
        }

        public static void A_cut_status_trailer_is_a_format_error_or_a_shorter_status()
        {
            var bytes = Hex(NotFoundStatusHex);
            for (int cut = 0; cut < bytes.Length; cut++)
            {
                var prefix = new byte[cut];
                Buffer.BlockCopy(bytes, 0, prefix, 0, cut);
                try
                {
                    RpcStatusDetails.Parse(prefix);
                }
                catch (FormatException)
                {
                }
                catch (Exception other)
                {
                    throw new CheckFailedException("cut at " + cut + ": " + other.GetType().Name + ": " + other.Message);
                }
            }
        }

        public static void A_result_holds_a_value_or_an_error_never_both()
        {
            var ok = CallResult<int>.Ok(7);
            Check.True(ok.IsOk && ok.Value == 7 && ok.Error == null, "ok");
            var failed = CallResult<int>.Fail(new WorldStreamError(StatusCode.Unavailable, "connection refused"));
            Check.True(!failed.IsOk, "failed");
            Check.Equal(RetryAdvice.RetryWithBackoff, failed.Error.Advice, "advice");
            Check.Throws<InvalidOperationException>(() => { var unused = failed.Value; }, "reading a failed value");
        }

        internal static byte[] Hex(string hex)
        {
            var bytes = new byte[hex.Length / 2];
            for (int i = 0; i < bytes.Length; i++) bytes[i] = Convert.ToByte(hex.Substring(2 * i, 2), 16);
            return bytes;
        }
    }
}
