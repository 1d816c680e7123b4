// Stand-in for Grpc.Net.Client 2.51.0 (netstandard2.1 build, the one Unity 2021.3 takes), to
// compile the package against: never run. Every member throws. Signatures copied from
// grpc/grpc-dotnet at tag v2.51.0, src/Grpc.Net.Client/GrpcChannel.cs and GrpcChannelOptions.cs.
// Left out: options typed by assemblies the package does not reference (LoggerFactory:
// Microsoft.Extensions.Logging.Abstractions; ServiceConfig; Credentials: ChannelCredentials of
// Grpc.Core.Api, unused) and the members compiled only for net5.0 and later (SUPPORT_LOAD_BALANCING:
// ConnectAsync, State, DisableResolverServiceConfig, the reconnect backoffs). Nullable reference
// annotations are dropped (C# 7.2).
using System;
using System.Collections.Generic;
using System.Net.Http;
using Grpc.Core;
using Grpc.Net.Compression;

namespace Grpc.Net.Client
{
    internal static class StandIn
    {
        internal static Exception Absent => new NotImplementedException("Grpc.Net.Client stand-in: compile only");
    }

    public sealed class GrpcChannel : ChannelBase, IDisposable
    {
        internal GrpcChannel() : base(null) => throw StandIn.Absent;
        public override CallInvoker CreateCallInvoker() => throw StandIn.Absent;
        public static GrpcChannel ForAddress(string address) => throw StandIn.Absent;
        public static GrpcChannel ForAddress(string address, GrpcChannelOptions channelOptions) => throw StandIn.Absent;
        public static GrpcChannel ForAddress(Uri address) => throw StandIn.Absent;
        public static GrpcChannel ForAddress(Uri address, GrpcChannelOptions channelOptions) => throw StandIn.Absent;
        public void Dispose() => throw StandIn.Absent;
    }

    public sealed class GrpcChannelOptions
    {
        public GrpcChannelOptions() => throw StandIn.Absent;
        public int? MaxSendMessageSize { get => throw StandIn.Absent; set => throw StandIn.Absent; }
        public int? MaxReceiveMessageSize { get => throw StandIn.Absent; set => throw StandIn.Absent; }
        public int? MaxRetryAttempts { get => throw StandIn.Absent; set => throw StandIn.Absent; }
        public long? MaxRetryBufferSize { get => throw StandIn.Absent; set => throw StandIn.Absent; }
        public long? MaxRetryBufferPerCallSize { get => throw StandIn.Absent; set => throw StandIn.Absent; }
        public IList<ICompressionProvider> CompressionProviders { get => throw StandIn.Absent; set => throw StandIn.Absent; }
        public HttpClient HttpClient { get => throw StandIn.Absent; set => throw StandIn.Absent; }
        public HttpMessageHandler HttpHandler { get => throw StandIn.Absent; set => throw StandIn.Absent; }
        public bool DisposeHttpClient { get => throw StandIn.Absent; set => throw StandIn.Absent; }
        public bool ThrowOperationCanceledOnCancellation { get => throw StandIn.Absent; set => throw StandIn.Absent; }
        public bool UnsafeUseInsecureChannelCallCredentials { get => throw StandIn.Absent; set => throw StandIn.Absent; }
        public IServiceProvider ServiceProvider { get => throw StandIn.Absent; set => throw StandIn.Absent; }
    }
}
