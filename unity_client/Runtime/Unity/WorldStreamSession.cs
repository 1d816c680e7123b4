using System;
using UnityEngine;
using WorldStream.Core;
using WorldStream.Rendering;
using WorldStream.Transport;
using Api = WorldStream.V1;

namespace WorldStream.Unity
{
    /// <summary>
    /// Streams one world into the scene: opens the Explore stream when enabled, applies what it
    /// receives each frame within <see cref="uploadSplatsPerFrame"/>, and acknowledges tiles once
    /// they are uploaded (so the server's credit window follows what this client actually
    /// consumes). Put a <see cref="WorldStreamCamera"/> on the camera that should drive it.
    /// </summary>
    [DisallowMultipleComponent]
    public sealed class WorldStreamSession : MonoBehaviour
    {
        [Tooltip("gRPC address of the worldstream server; http:// speaks HTTP/2 without TLS.")]
        [SerializeField] string serverAddress = "http://127.0.0.1:50051";

        [Tooltip("The world to explore, worlds/{world}.")]
        [SerializeField] string world = "";

        [Tooltip("Most splats held at once.")]
        [SerializeField] long splatBudget = 2000000;

        [Tooltip("Payload bytes the server may send ahead of acknowledgement.")]
        [SerializeField] int creditMegabytes = 8;

        [Tooltip("Splats uploaded to the renderer per frame at most (one tile always goes).")]
        [SerializeField] int uploadSplatsPerFrame = 300000;

        [Tooltip("Seconds a new tile takes to fade in over what it replaces.")]
        [SerializeField] float fadeSeconds = 0.35f;

        [Tooltip("Stream the world as it is, without generating views ahead of the camera.")]
        [SerializeField] bool noGeneration;

        [Tooltip("A component implementing ISplatRenderer (a GsplatTileRenderer to draw with gsplat-unity); empty = the package's PooledSplatRenderer on this object, added once and reused.")]
        [SerializeField] MonoBehaviour splatRenderer;

        readonly TileResidency residency = new TileResidency(2000000);
        WorldStreamConnection connection;
        ExploreStream stream;
        TileStreamer streamer;
        long appliedThrough;
        bool heldDirty;

        /// <summary>The server's answer to the start: granted budget, encoding, spawn pose in Unity's frame.</summary>
        public event Action<Api.ExploreHeader> Connected;

        public event Action<Api.ViewStatus> ViewStatusChanged;

        /// <summary>Reason and message of a recoverable problem; the stream goes on.</summary>
        public event Action<string, string> Warning;

        public event Action<Api.GenerationProgress> GenerationProgress;

        /// <summary>The stream ended; the flag says whether it reconnects (resuming what is held).</summary>
        public event Action<WorldStreamError, bool> Disconnected;

        public TileResidency Residency => residency;

        public Api.ExploreHeader Header { get; private set; }

        /// <summary>
        /// The world version (ViewStatus.world_version) the latest complete view was taken at:
        /// everything that view needs is held at its chosen level and at this version. 0 until a
        /// view completes; it stays while later views are still on their way.
        /// </summary>
        public long CompleteWorldVersion { get; private set; }

        public string World => world;

        /// <summary>Sets where and what to stream; takes effect the next time the component is enabled.</summary>
        public void Configure(string address, string worldName)
        {
            serverAddress = address;
            world = worldName;
        }

        /// <summary>Sends a view (the camera component calls this through its throttle).</summary>
        public void SendView(ViewToSend view)
        {
            stream?.SendView(view);
        }

        void OnEnable()
        {
            if (string.IsNullOrEmpty(world))
            {
                Debug.LogError("WorldStreamSession: no world set (worlds/{world})", this);
                enabled = false;
                return;
            }
            residency.SplatBudget = Math.Max(1, splatBudget);
            streamer = new TileStreamer(residency, ResolveRenderer(), fadeSeconds);
            connection = new WorldStreamConnection(serverAddress);
            var options = new ExploreOptions
            {
                World = world,
                SplatBudget = splatBudget,
                CreditBytes = (long)creditMegabytes * 1024 * 1024,
                NoGeneration = noGeneration,
            };
            appliedThrough = 0;
            stream = connection.Explore(options);
            stream.Start();
        }

        void OnDisable()
        {
            stream?.Dispose();
            stream = null;
            connection?.Dispose();
            connection = null;
            streamer?.Clear();
            streamer = null;
        }

        void Update()
        {
            if (stream == null) return;
            double now = Time.realtimeSinceStartupAsDouble;
            stream.Events.Drain(uploadSplatsPerFrame, e => Apply(e, now));
            streamer.Update(now);
            if (heldDirty)
            {
                // What a reconnect resumes: the tiles held and the uid of the world instance they
                // came from, as of the last event applied; the stream adds what is still queued.
                stream.ReportHeld(residency.Manifest(world), appliedThrough);
                heldDirty = false;
            }
        }

        void Apply(StreamEvent e, double now)
        {
            if (e.Delivery > 0) appliedThrough = e.Delivery;
            switch (e.Kind)
            {
                case StreamEventKind.Connected:
                    Header = e.Header;
                    // Tiles held of another instance of the world (deleted and made again) go.
                    streamer.BeginWorld(e.Header.World?.Uid ?? "");
                    heldDirty = true;
                    if (e.Header.SplatBudget > 0) residency.SplatBudget = e.Header.SplatBudget;
                    Connected?.Invoke(e.Header);
                    break;
                case StreamEventKind.TileDecoded:
                    var change = streamer.Apply(e.Key, e.Version, e.Tile, now);
                    stream.Acknowledge(e.PayloadBytes, e.Generation);
                    heldDirty = true;
                    if (change.OverBudgetBy > 0)
                    {
                        Warning?.Invoke("OVER_SPLAT_BUDGET", "holding " + change.OverBudgetBy + " splats above the budget");
                    }
                    break;
                case StreamEventKind.TileRemoved:
                    streamer.Remove(e.Key);
                    heldDirty = true;
                    break;
                case StreamEventKind.ViewStatus:
                    if (e.Status.Complete) CompleteWorldVersion = e.Status.WorldVersion;
                    ViewStatusChanged?.Invoke(e.Status);
                    break;
                case StreamEventKind.Warning:
                    Debug.LogWarning("WorldStream " + e.WarningReason + ": " + e.WarningMessage, this);
                    Warning?.Invoke(e.WarningReason, e.WarningMessage);
                    break;
                case StreamEventKind.GenerationProgress:
                    GenerationProgress?.Invoke(e.Progress);
                    break;
                case StreamEventKind.Disconnected:
                    if (e.Error.Code != Core.StatusCode.OK)
                    {
                        Debug.LogWarning("WorldStream stream ended: " + e.Error + (e.WillReconnect ? "; reconnecting" : ""), this);
                    }
                    Disconnected?.Invoke(e.Error, e.WillReconnect);
                    break;
            }
        }

        ISplatRenderer ResolveRenderer()
        {
            var chosen = splatRenderer as ISplatRenderer;
            if (splatRenderer != null && chosen == null)
            {
                Debug.LogError(splatRenderer.GetType().Name + " does not implement ISplatRenderer", this);
            }
            if (chosen != null) return chosen;
            // One renderer for the object's lifetime: OnEnable runs again after every disable.
            // Not `??`: a missing component is a fake null in the Editor that `??` lets through.
            var pooled = GetComponent<PooledSplatRenderer>();
            if (pooled == null) pooled = gameObject.AddComponent<PooledSplatRenderer>();
            return pooled;
        }
    }
}
