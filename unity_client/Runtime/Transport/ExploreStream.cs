using System;
using System.Threading;
using System.Threading.Tasks;
using Grpc.Core;
using WorldStream.Core;
using Api = WorldStream.V1;

namespace WorldStream.Transport
{
    /// <summary>
    /// One client's Explore stream, run off the main thread: a receive loop reassembles and
    /// decodes tiles and queues them (and every other event, in stream order) in
    /// <see cref="Events"/>, which the main thread drains within its per-frame budget; a write
    /// loop sends the start, the latest view and the summed acks. After a transient failure it
    /// reconnects with backoff, resuming what the main thread reported holding
    /// (<see cref="ReportHeld"/>) together with what is still queued for it: a tile decoded by
    /// the old connection but not yet applied is held as far as the server is concerned.
    /// </summary>
    public sealed class ExploreStream : IDisposable
    {
        readonly Api.WorldStream.WorldStreamClient client;
        readonly ExploreOptions options;
        readonly ResumeLog resume;
        readonly CancellationTokenSource stop = new CancellationTokenSource();
        readonly SemaphoreSlim wake = new SemaphoreSlim(0);
        readonly object viewLock = new object();
        ViewToSend? pendingView;
        ViewToSend? lastView;
        long pendingAck;
        int generation;
        Task running;

        /// <param name="held">
        /// Tiles held before the first connection, with the uid of the world instance they came
        /// from (null: none); afterwards the main thread reports with <see cref="ReportHeld"/>.
        /// </param>
        public ExploreStream(Api.WorldStream.WorldStreamClient client, ExploreOptions options,
            HeldTileManifest held = null)
        {
            this.client = client ?? throw new ArgumentNullException(nameof(client));
            this.options = options ?? throw new ArgumentNullException(nameof(options));
            resume = new ResumeLog(options.World, held);
        }

        /// <summary>Events for the main thread; a decoded tile costs its splat count, others 0.</summary>
        public UploadQueue<StreamEvent> Events { get; } = new UploadQueue<StreamEvent>();

        public void Start()
        {
            if (running != null) throw new InvalidOperationException("the stream is already started");
            running = Task.Run(RunAsync);
        }

        /// <summary>Queues a view; only the latest unsent one goes (older ones are stale).</summary>
        public void SendView(ViewToSend view)
        {
            lock (viewLock)
            {
                pendingView = view;
                lastView = view;
            }
            wake.Release();
        }

        /// <summary>
        /// Returns a processed tile's payload bytes to the server's credit window. Acks for an
        /// earlier connection are dropped: the new stream never sent those bytes.
        /// </summary>
        public void Acknowledge(long bytes, int streamGeneration)
        {
            if (bytes <= 0 || streamGeneration != Volatile.Read(ref generation)) return;
            Interlocked.Add(ref pendingAck, bytes);
            wake.Release();
        }

        /// <summary>
        /// The main thread holds <paramref name="held"/> (an immutable manifest) after applying
        /// every event up to <see cref="StreamEvent.Delivery"/> <paramref name="appliedThrough"/>.
        /// </summary>
        public void ReportHeld(HeldTileManifest held, long appliedThrough)
        {
            resume.Applied(held, appliedThrough);
        }

        public void Dispose()
        {
            stop.Cancel();
            wake.Release();
        }

        async Task RunAsync()
        {
            var backoff = new ReconnectBackoff();
            var token = stop.Token;
            while (!token.IsCancellationRequested)
            {
                WorldStreamError error;
                try
                {
                    await StreamOnceAsync(backoff, token).ConfigureAwait(false);
                    error = new WorldStreamError(Core.StatusCode.OK, "the server ended the stream");
                }
                catch (Exception e) when (RpcErrors.IsCallFailure(e))
                {
                    if (token.IsCancellationRequested) return;
                    error = RpcErrors.From(e);
                }
                catch (Exception e)
                {
                    // A bug of ours on this thread: report it rather than die silently.
                    error = new WorldStreamError(Core.StatusCode.Internal, e.GetType().Name + ": " + e.Message);
                }
                bool retry = options.Reconnect && error.Advice == RetryAdvice.RetryWithBackoff;
                Events.Enqueue(new StreamEvent
                {
                    Kind = StreamEventKind.Disconnected,
                    Generation = Volatile.Read(ref generation),
                    Error = error,
                    WillReconnect = retry,
                }, 0);
                if (!retry) return;
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(backoff.NextDelaySeconds()), token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }

        async Task StreamOnceAsync(ReconnectBackoff backoff, CancellationToken token)
        {
            int current = Interlocked.Increment(ref generation);
            Interlocked.Exchange(ref pendingAck, 0);
            lock (viewLock)
            {
                // A new stream starts from the last pose the camera had.
                pendingView = lastView;
            }
            using (var linked = CancellationTokenSource.CreateLinkedTokenSource(token))
            using (var call = client.Explore(cancellationToken: linked.Token))
            {
                var start = ProtoConvert.Start(options, resume.Manifest());
                await call.RequestStream.WriteAsync(start).ConfigureAwait(false);
                var writing = WriteLoopAsync(call.RequestStream, linked.Token);
                try
                {
                    var assembler = new ChunkAssembler(options.MaxPayloadBytes);
                    while (await call.ResponseStream.MoveNext(linked.Token).ConfigureAwait(false))
                    {
                        Handle(call.ResponseStream.Current, assembler, current, backoff);
                    }
                }
                finally
                {
                    linked.Cancel();
                    wake.Release();
                    try
                    {
                        await writing.ConfigureAwait(false);
                    }
                    catch (Exception e) when (RpcErrors.IsCallFailure(e))
                    {
                        // The read side reports why the stream ended.
                    }
                }
            }
        }

        async Task WriteLoopAsync(IClientStreamWriter<Api.ExploreRequest> requests, CancellationToken token)
        {
            while (!token.IsCancellationRequested)
            {
                await wake.WaitAsync(token).ConfigureAwait(false);
                long ack = Interlocked.Exchange(ref pendingAck, 0);
                if (ack > 0) await requests.WriteAsync(ProtoConvert.Ack(ack)).ConfigureAwait(false);
                ViewToSend? view;
                lock (viewLock)
                {
                    view = pendingView;
                    pendingView = null;
                }
                if (view.HasValue) await requests.WriteAsync(ProtoConvert.View(view.Value)).ConfigureAwait(false);
            }
        }

        void Handle(Api.ExploreResponse response, ChunkAssembler assembler, int current, ReconnectBackoff backoff)
        {
            switch (response.ResponseCase)
            {
                case Api.ExploreResponse.ResponseOneofCase.Header:
                    backoff.Succeeded();
                    Post(new StreamEvent
                    {
                        Kind = StreamEventKind.Connected,
                        Header = response.Header,
                        Delivery = resume.Header(response.Header.World?.Uid ?? ""),
                    }, current);
                    // The view queued before the header goes now.
                    wake.Release();
                    break;
                case Api.ExploreResponse.ResponseOneofCase.TileChunk:
                    OnChunk(response.TileChunk, assembler, current);
                    break;
                case Api.ExploreResponse.ResponseOneofCase.TileBatch:
                    // Small whole tiles packed together: the same as their chunks one by one.
                    foreach (var chunk in response.TileBatch.Chunks) OnChunk(chunk, assembler, current);
                    break;
                case Api.ExploreResponse.ResponseOneofCase.TileRemoval:
                    var removed = ProtoConvert.FromProto(response.TileRemoval.Key ?? new Api.TileKey());
                    Post(new StreamEvent
                    {
                        Kind = StreamEventKind.TileRemoved,
                        Key = removed,
                        RemovalReason = response.TileRemoval.Reason,
                        Delivery = resume.Removal(removed),
                    }, current);
                    break;
                case Api.ExploreResponse.ResponseOneofCase.ViewStatus:
                    Post(new StreamEvent { Kind = StreamEventKind.ViewStatus, Status = response.ViewStatus }, current);
                    break;
                case Api.ExploreResponse.ResponseOneofCase.Warning:
                    Post(new StreamEvent
                    {
                        Kind = StreamEventKind.Warning,
                        WarningReason = response.Warning.Reason,
                        WarningMessage = response.Warning.Message,
                    }, current);
                    break;
                case Api.ExploreResponse.ResponseOneofCase.Generation:
                    Post(new StreamEvent { Kind = StreamEventKind.GenerationProgress, Progress = response.Generation }, current);
                    break;
                default:
                    // Collider chunks are not requested; newer message kinds are ignored.
                    break;
            }
        }

        /// <summary>Reassembles and decodes here, off the main thread.</summary>
        void OnChunk(Api.TileChunk chunk, ChunkAssembler assembler, int current)
        {
            var info = ProtoConvert.ChunkInfo(chunk);
            var data = chunk.Data.ToByteArray();
            AssembledPayload whole;
            try
            {
                whole = assembler.Add(info, data, 0, data.Length);
            }
            catch (ChunkOrderException e)
            {
                Acknowledge(e.DroppedBytes, current);
                Post(new StreamEvent { Kind = StreamEventKind.Warning, WarningReason = "CHUNK_ORDER", WarningMessage = e.Message }, current);
                return;
            }
            if (whole == null) return;
            DecodedTile tile;
            try
            {
                tile = TileDecoder.Decode(whole.Info.Encoding, whole.Payload);
            }
            catch (TilePayloadException e)
            {
                Acknowledge(whole.Payload.Length, current);
                Post(new StreamEvent
                {
                    Kind = StreamEventKind.Warning,
                    WarningReason = "PAYLOAD_REJECTED",
                    WarningMessage = whole.Info.Key + ": " + e.Message,
                }, current);
                return;
            }
            Events.Enqueue(new StreamEvent
            {
                Kind = StreamEventKind.TileDecoded,
                Generation = current,
                Key = whole.Info.Key,
                Version = whole.Info.Version,
                Tile = tile,
                PayloadBytes = whole.Payload.Length,
                GeometricError = whole.Info.GeometricError,
                Delivery = resume.Tile(whole.Info.Key, whole.Info.Version, tile.SplatCount),
            }, tile.SplatCount);
        }

        void Post(StreamEvent e, int current)
        {
            e.Generation = current;
            Events.Enqueue(e, 0);
        }
    }
}
