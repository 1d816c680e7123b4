using System;
using System.Net.Http;
using Grpc.Core;
using WorldStream.Core;

namespace WorldStream.Transport
{
    /// <summary>Turns what a gRPC call throws into a typed <see cref="WorldStreamError"/>.</summary>
    public static class RpcErrors
    {
        const string StatusDetailsKey = "grpc-status-details-bin";

        /// <summary>True for the exceptions a call reports failures with (not programming errors).</summary>
        public static bool IsCallFailure(Exception e) =>
            e is RpcException || e is OperationCanceledException || e is HttpRequestException
            || e is System.IO.IOException;

        public static WorldStreamError From(Exception e)
        {
            var rpc = e as RpcException;
            if (rpc != null) return From(rpc);
            if (e is OperationCanceledException) return new WorldStreamError(Core.StatusCode.Cancelled, "the call was cancelled");
            // A connection that could not be made or broke: what gRPC itself calls UNAVAILABLE.
            if (e is HttpRequestException || e is System.IO.IOException)
            {
                return new WorldStreamError(Core.StatusCode.Unavailable, e.Message);
            }
            return new WorldStreamError(Core.StatusCode.Unknown, e.GetType().Name + ": " + e.Message);
        }

        public static WorldStreamError From(RpcException e)
        {
            int code = (int)e.StatusCode;
            string message = e.Status.Detail;
            if (e.Trailers != null)
            {
                foreach (var entry in e.Trailers)
                {
                    if (!entry.IsBinary || entry.Key != StatusDetailsKey) continue;
                    try
                    {
                        var details = RpcStatusDetails.Parse(entry.ValueBytes);
                        return WorldStreamError.FromWire(code, message, details.Reason, details.Metadata);
                    }
                    catch (FormatException)
                    {
                        // A trailer we cannot read still leaves the code and message.
                    }
                }
            }
            return WorldStreamError.FromWire(code, message);
        }
    }
}
