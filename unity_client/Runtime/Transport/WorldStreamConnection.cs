using System;
using System.Threading;
using System.Threading.Tasks;
using Cysharp.Net.Http;
using Grpc.Net.Client;
using WorldStream.Core;
using Api = WorldStream.V1;

namespace WorldStream.Transport
{
    /// <summary>
    /// A channel to a worldstream server: Grpc.Net.Client over Cysharp's YetAnotherHttpHandler,
    /// which gives Unity HTTP/2 (plain `http://` speaks h2c, `https://` TLS). Unary calls return
    /// a <see cref="CallResult{T}"/>; failures never throw.
    /// </summary>
    public sealed class WorldStreamConnection : IDisposable
    {
        readonly GrpcChannel channel;

        public WorldStreamConnection(string address)
        {
            if (string.IsNullOrEmpty(address)) throw new ArgumentException("a server address such as http://127.0.0.1:50051", nameof(address));
            var handler = new YetAnotherHttpHandler
            {
                Http2Only = true,
                // Ping the server every 30 s while nothing arrives, so that a server gone silent
                // (a dropped network) fails the stream within 10 s more and the client reconnects;
                // the server accepts pings every 10 s or more (docs/limits.md).
                Http2KeepAliveInterval = TimeSpan.FromSeconds(30),
                Http2KeepAliveTimeout = TimeSpan.FromSeconds(10),
                Http2KeepAliveWhileIdle = true,
            };
            // The server never sends a message above gRPC's default 4 MiB receive limit.
            channel = GrpcChannel.ForAddress(address, new GrpcChannelOptions
            {
                HttpHandler = handler,
                DisposeHttpClient = true,
            });
            Client = new Api.WorldStream.WorldStreamClient(channel);
        }

        public Api.WorldStream.WorldStreamClient Client { get; }

        /// <summary>An Explore stream resuming <paramref name="held"/> (null: nothing held); call Start.</summary>
        public ExploreStream Explore(ExploreOptions options, HeldTileManifest held = null) =>
            new ExploreStream(Client, options, held);

        public Task<CallResult<Api.World>> GetWorldAsync(string name, CancellationToken token = default(CancellationToken)) =>
            Call(async () => (await Client.GetWorldAsync(new Api.GetWorldRequest { Name = name },
                cancellationToken: token).ResponseAsync.ConfigureAwait(false)).World);

        public Task<CallResult<Api.ListWorldsResponse>> ListWorldsAsync(int pageSize = 50, string pageToken = "",
            CancellationToken token = default(CancellationToken)) =>
            Call(() => Client.ListWorldsAsync(new Api.ListWorldsRequest { PageSize = pageSize, PageToken = pageToken ?? "" },
                cancellationToken: token).ResponseAsync);

        public Task<CallResult<Api.DeleteWorldResponse>> DeleteWorldAsync(string name,
            CancellationToken token = default(CancellationToken)) =>
            Call(() => Client.DeleteWorldAsync(new Api.DeleteWorldRequest { Name = name }, cancellationToken: token).ResponseAsync);

        /// <summary>
        /// Creates a world from a photo; <paramref name="progress"/> gets each progress message
        /// (on the thread pool: marshal to the main thread yourself, or await from it).
        /// </summary>
        public Task<CallResult<Api.World>> CreateWorldAsync(Api.CreateWorldRequest request, IProgress<Api.Progress> progress,
            CancellationToken token = default(CancellationToken)) =>
            Call(async () =>
            {
                using (var call = Client.CreateWorld(request, cancellationToken: token))
                {
                    while (await call.ResponseStream.MoveNext(token).ConfigureAwait(false))
                    {
                        var response = call.ResponseStream.Current;
                        if (response.ResponseCase == Api.CreateWorldResponse.ResponseOneofCase.World) return response.World;
                        if (response.ResponseCase == Api.CreateWorldResponse.ResponseOneofCase.Progress) progress?.Report(response.Progress);
                    }
                }
                throw new System.IO.IOException("the server ended CreateWorld without the world");
            });

        public void Dispose()
        {
            channel.Dispose();
        }

        static async Task<CallResult<T>> Call<T>(Func<Task<T>> call)
        {
            try
            {
                return CallResult<T>.Ok(await call().ConfigureAwait(false));
            }
            catch (Exception e) when (RpcErrors.IsCallFailure(e))
            {
                return CallResult<T>.Fail(RpcErrors.From(e));
            }
        }
    }
}
