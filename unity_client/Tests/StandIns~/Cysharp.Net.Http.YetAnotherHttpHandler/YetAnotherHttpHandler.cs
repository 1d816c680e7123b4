// Stand-in for YetAnotherHttpHandler, to compile the package against: never run. Every member
// throws. Signatures copied from Cysharp/YetAnotherHttpHandler at tag 1.11.5,
// src/YetAnotherHttpHandler/YetAnotherHttpHandler.cs; the assembly name is that of
// src/YetAnotherHttpHandler/YetAnotherHttpHandler.Unity.asmdef, "Cysharp.Net.Http.YetAnotherHttpHandler",
// the same in every tag from v0.1.0 to 1.11.5 (Http2Only and the three Http2KeepAlive* properties
// the package sets exist in all of them). Left out: ResponsePipeOptions (System.IO.Pipelines,
// which the package does not reference). Nullable reference annotations are dropped (C# 7.2).
using System;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;

namespace Cysharp.Net.Http
{
    internal static class StandIn
    {
        internal static Exception Absent => new NotImplementedException("YetAnotherHttpHandler stand-in: compile only");
    }

    public class YetAnotherHttpHandler : HttpMessageHandler
    {
        public TimeSpan? PoolIdleTimeout { get => throw StandIn.Absent; set => throw StandIn.Absent; }
        public ulong? MaxIdlePerHost { get => throw StandIn.Absent; set => throw StandIn.Absent; }
        public bool? Http2Only { get => throw StandIn.Absent; set => throw StandIn.Absent; }
        public bool? SkipCertificateVerification { get => throw StandIn.Absent; set => throw StandIn.Absent; }
        public ServerCertificateVerificationHandler OnVerifyServerCertificate { get => throw StandIn.Absent; set => throw StandIn.Absent; }
        public string RootCertificates { get => throw StandIn.Absent; set => throw StandIn.Absent; }
        public string OverrideServerName { get => throw StandIn.Absent; set => throw StandIn.Absent; }
        public string ClientAuthCertificates { get => throw StandIn.Absent; set => throw StandIn.Absent; }
        public string ClientAuthKey { get => throw StandIn.Absent; set => throw StandIn.Absent; }
        public uint? Http2InitialStreamWindowSize { get => throw StandIn.Absent; set => throw StandIn.Absent; }
        public uint? Http2InitialConnectionWindowSize { get => throw StandIn.Absent; set => throw StandIn.Absent; }
        public bool? Http2AdaptiveWindow { get => throw StandIn.Absent; set => throw StandIn.Absent; }
        public uint? Http2MaxFrameSize { get => throw StandIn.Absent; set => throw StandIn.Absent; }
        public TimeSpan? ConnectTimeout { get => throw StandIn.Absent; set => throw StandIn.Absent; }
        public TimeSpan? Http2KeepAliveInterval { get => throw StandIn.Absent; set => throw StandIn.Absent; }
        public TimeSpan? Http2KeepAliveTimeout { get => throw StandIn.Absent; set => throw StandIn.Absent; }
        public bool? Http2KeepAliveWhileIdle { get => throw StandIn.Absent; set => throw StandIn.Absent; }
        public ulong? Http2MaxConcurrentResetStreams { get => throw StandIn.Absent; set => throw StandIn.Absent; }
        public ulong? Http2MaxSendBufferSize { get => throw StandIn.Absent; set => throw StandIn.Absent; }
        public ulong? Http2InitialMaxSendStreams { get => throw StandIn.Absent; set => throw StandIn.Absent; }
        public string UnixDomainSocketPath { get => throw StandIn.Absent; set => throw StandIn.Absent; }
        public static void SetWorkerThreads(int? workerThreads) => throw StandIn.Absent;
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) => throw StandIn.Absent;
        protected override void Dispose(bool disposing) => throw StandIn.Absent;
    }

    public delegate bool ServerCertificateVerificationHandler(string serverName, ReadOnlySpan<byte> certificate, DateTimeOffset now);
}
