// Stand-in for Grpc.Core.Api 2.51.0, to compile the package against: never run. Every member
// throws. Signatures copied from grpc/grpc-dotnet at tag v2.51.0 (the C# side of gRPC 1.51, which
// gen_proto.sh's grpc_csharp_plugin 1.51.1 writes for), src/Grpc.Core.Api/: ClientBase.cs,
// CallInvoker.cs, CallOptions.cs, ChannelBase.cs, Marshaller.cs, SerializationContext.cs,
// DeserializationContext.cs, Method.cs, AsyncUnaryCall.cs, AsyncServerStreamingCall.cs,
// AsyncClientStreamingCall.cs, AsyncDuplexStreamingCall.cs, IAsyncStreamReader.cs,
// IAsyncStreamWriter.cs, IClientStreamWriter.cs, Metadata.cs, RpcException.cs, Status.cs,
// StatusCode.cs, WriteOptions.cs, ContextPropagationToken.cs, CallCredentials.cs.
// Differences that C# 7.2 forces, none of which changes a call site: nullable reference
// annotations (string?) are dropped; IAsyncStreamWriter<T>.WriteAsync(T, CancellationToken), a
// default interface method of the netstandard2.1 build, is left out (the package does not call it).
using System;
using System.Buffers;
using System.Collections;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;

namespace Grpc.Core
{
    internal static class StandIn
    {
        internal static Exception Absent => new NotImplementedException("Grpc.Core.Api stand-in: compile only");
    }

    public abstract class ClientBase<T> : ClientBase where T : ClientBase<T>
    {
        protected ClientBase() => throw StandIn.Absent;
        protected ClientBase(ClientBaseConfiguration configuration) => throw StandIn.Absent;
        public ClientBase(ChannelBase channel) => throw StandIn.Absent;
        public ClientBase(CallInvoker callInvoker) => throw StandIn.Absent;
        public T WithHost(string host) => throw StandIn.Absent;
        protected abstract T NewInstance(ClientBaseConfiguration configuration);
    }

    public abstract class ClientBase
    {
        protected ClientBase() => throw StandIn.Absent;
        protected ClientBase(ClientBaseConfiguration configuration) => throw StandIn.Absent;
        public ClientBase(ChannelBase channel) => throw StandIn.Absent;
        public ClientBase(CallInvoker callInvoker) => throw StandIn.Absent;
        protected CallInvoker CallInvoker => throw StandIn.Absent;

        protected internal class ClientBaseConfiguration
        {
            internal ClientBaseConfiguration() => throw StandIn.Absent;
        }
    }

    public abstract class CallInvoker
    {
        public abstract TResponse BlockingUnaryCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string host, CallOptions options, TRequest request)
            where TRequest : class where TResponse : class;
        public abstract AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string host, CallOptions options, TRequest request)
            where TRequest : class where TResponse : class;
        public abstract AsyncServerStreamingCall<TResponse> AsyncServerStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string host, CallOptions options, TRequest request)
            where TRequest : class where TResponse : class;
        public abstract AsyncClientStreamingCall<TRequest, TResponse> AsyncClientStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string host, CallOptions options)
            where TRequest : class where TResponse : class;
        public abstract AsyncDuplexStreamingCall<TRequest, TResponse> AsyncDuplexStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string host, CallOptions options)
            where TRequest : class where TResponse : class;
    }

    public abstract class ChannelBase
    {
        protected ChannelBase(string target) => throw StandIn.Absent;
        public string Target => throw StandIn.Absent;
        public abstract CallInvoker CreateCallInvoker();
        public Task ShutdownAsync() => throw StandIn.Absent;
        protected virtual Task ShutdownAsyncCore() => throw StandIn.Absent;
    }

    public struct CallOptions
    {
        public CallOptions(Metadata headers = null, DateTime? deadline = null, CancellationToken cancellationToken = default(CancellationToken),
            WriteOptions writeOptions = null, ContextPropagationToken propagationToken = null, CallCredentials credentials = null) => throw StandIn.Absent;
        public Metadata Headers => throw StandIn.Absent;
        public DateTime? Deadline => throw StandIn.Absent;
        public CancellationToken CancellationToken => throw StandIn.Absent;
        public WriteOptions WriteOptions => throw StandIn.Absent;
        public ContextPropagationToken PropagationToken => throw StandIn.Absent;
        public CallCredentials Credentials => throw StandIn.Absent;
        public bool IsWaitForReady => throw StandIn.Absent;
        public CallOptions WithHeaders(Metadata headers) => throw StandIn.Absent;
        public CallOptions WithDeadline(DateTime deadline) => throw StandIn.Absent;
        public CallOptions WithCancellationToken(CancellationToken cancellationToken) => throw StandIn.Absent;
        public CallOptions WithWaitForReady(bool waitForReady = true) => throw StandIn.Absent;
    }

    public class Marshaller<T>
    {
        public Marshaller(Func<T, byte[]> serializer, Func<byte[], T> deserializer) => throw StandIn.Absent;
        public Marshaller(Action<T, SerializationContext> serializer, Func<DeserializationContext, T> deserializer) => throw StandIn.Absent;
        public Func<T, byte[]> Serializer => throw StandIn.Absent;
        public Func<byte[], T> Deserializer => throw StandIn.Absent;
        public Action<T, SerializationContext> ContextualSerializer => throw StandIn.Absent;
        public Func<DeserializationContext, T> ContextualDeserializer => throw StandIn.Absent;
    }

    public static class Marshallers
    {
        public static Marshaller<T> Create<T>(Func<T, byte[]> serializer, Func<byte[], T> deserializer) => throw StandIn.Absent;
        public static Marshaller<T> Create<T>(Action<T, SerializationContext> serializer, Func<DeserializationContext, T> deserializer) => throw StandIn.Absent;
        public static Marshaller<string> StringMarshaller => throw StandIn.Absent;
    }

    public abstract class SerializationContext
    {
        public virtual void Complete(byte[] payload) => throw StandIn.Absent;
        public virtual IBufferWriter<byte> GetBufferWriter() => throw StandIn.Absent;
        public virtual void SetPayloadLength(int payloadLength) => throw StandIn.Absent;
        public virtual void Complete() => throw StandIn.Absent;
    }

    public abstract class DeserializationContext
    {
        public abstract int PayloadLength { get; }
        public virtual byte[] PayloadAsNewBuffer() => throw StandIn.Absent;
        public virtual ReadOnlySequence<byte> PayloadAsReadOnlySequence() => throw StandIn.Absent;
    }

    public enum MethodType
    {
        Unary,
        ClientStreaming,
        ServerStreaming,
        DuplexStreaming,
    }

    public interface IMethod
    {
        MethodType Type { get; }
        string ServiceName { get; }
        string Name { get; }
        string FullName { get; }
    }

    public class Method<TRequest, TResponse> : IMethod
    {
        public Method(MethodType type, string serviceName, string name, Marshaller<TRequest> requestMarshaller, Marshaller<TResponse> responseMarshaller) => throw StandIn.Absent;
        public MethodType Type => throw StandIn.Absent;
        public string ServiceName => throw StandIn.Absent;
        public string Name => throw StandIn.Absent;
        public Marshaller<TRequest> RequestMarshaller => throw StandIn.Absent;
        public Marshaller<TResponse> ResponseMarshaller => throw StandIn.Absent;
        public string FullName => throw StandIn.Absent;
    }

    public sealed class AsyncUnaryCall<TResponse> : IDisposable
    {
        public AsyncUnaryCall(Task<TResponse> responseAsync, Task<Metadata> responseHeadersAsync, Func<Status> getStatusFunc, Func<Metadata> getTrailersFunc, Action disposeAction) => throw StandIn.Absent;
        public Task<TResponse> ResponseAsync => throw StandIn.Absent;
        public Task<Metadata> ResponseHeadersAsync => throw StandIn.Absent;
        public TaskAwaiter<TResponse> GetAwaiter() => throw StandIn.Absent;
        public ConfiguredTaskAwaitable<TResponse> ConfigureAwait(bool continueOnCapturedContext) => throw StandIn.Absent;
        public Status GetStatus() => throw StandIn.Absent;
        public Metadata GetTrailers() => throw StandIn.Absent;
        public void Dispose() => throw StandIn.Absent;
    }

    public sealed class AsyncServerStreamingCall<TResponse> : IDisposable
    {
        public AsyncServerStreamingCall(IAsyncStreamReader<TResponse> responseStream, Task<Metadata> responseHeadersAsync, Func<Status> getStatusFunc, Func<Metadata> getTrailersFunc, Action disposeAction) => throw StandIn.Absent;
        public IAsyncStreamReader<TResponse> ResponseStream => throw StandIn.Absent;
        public Task<Metadata> ResponseHeadersAsync => throw StandIn.Absent;
        public Status GetStatus() => throw StandIn.Absent;
        public Metadata GetTrailers() => throw StandIn.Absent;
        public void Dispose() => throw StandIn.Absent;
    }

    public sealed class AsyncClientStreamingCall<TRequest, TResponse> : IDisposable
    {
        public AsyncClientStreamingCall(IClientStreamWriter<TRequest> requestStream, Task<TResponse> responseAsync, Task<Metadata> responseHeadersAsync, Func<Status> getStatusFunc, Func<Metadata> getTrailersFunc, Action disposeAction) => throw StandIn.Absent;
        public Task<TResponse> ResponseAsync => throw StandIn.Absent;
        public IClientStreamWriter<TRequest> RequestStream => throw StandIn.Absent;
        public Status GetStatus() => throw StandIn.Absent;
        public Metadata GetTrailers() => throw StandIn.Absent;
        public void Dispose() => throw StandIn.Absent;
    }

    public sealed class AsyncDuplexStreamingCall<TRequest, TResponse> : IDisposable
    {
        public AsyncDuplexStreamingCall(IClientStreamWriter<TRequest> requestStream, IAsyncStreamReader<TResponse> responseStream, Task<Metadata> responseHeadersAsync, Func<Status> getStatusFunc, Func<Metadata> getTrailersFunc, Action disposeAction) => throw StandIn.Absent;
        public IAsyncStreamReader<TResponse> ResponseStream => throw StandIn.Absent;
        public IClientStreamWriter<TRequest> RequestStream => throw StandIn.Absent;
        public Task<Metadata> ResponseHeadersAsync => throw StandIn.Absent;
        public Status GetStatus() => throw StandIn.Absent;
        public Metadata GetTrailers() => throw StandIn.Absent;
        public void Dispose() => throw StandIn.Absent;
    }

    public interface IAsyncStreamReader<out T>
    {
        T Current { get; }
        Task<bool> MoveNext(CancellationToken cancellationToken);
    }

    public interface IAsyncStreamWriter<in T>
    {
        Task WriteAsync(T message);
        WriteOptions WriteOptions { get; set; }
    }

    public interface IClientStreamWriter<in T> : IAsyncStreamWriter<T>
    {
        Task CompleteAsync();
    }

    public sealed class Metadata : IList<Metadata.Entry>
    {
        public const string BinaryHeaderSuffix = "-bin";
        public static readonly Metadata Empty;
        public Metadata() => throw StandIn.Absent;
        public Entry Get(string key) => throw StandIn.Absent;
        public string GetValue(string key) => throw StandIn.Absent;
        public byte[] GetValueBytes(string key) => throw StandIn.Absent;
        public IEnumerable<Entry> GetAll(string key) => throw StandIn.Absent;
        public void Add(string key, string value) => throw StandIn.Absent;
        public void Add(string key, byte[] valueBytes) => throw StandIn.Absent;
        public int IndexOf(Entry item) => throw StandIn.Absent;
        public void Insert(int index, Entry item) => throw StandIn.Absent;
        public void RemoveAt(int index) => throw StandIn.Absent;
        public Entry this[int index] { get => throw StandIn.Absent; set => throw StandIn.Absent; }
        public void Add(Entry item) => throw StandIn.Absent;
        public void Clear() => throw StandIn.Absent;
        public bool Contains(Entry item) => throw StandIn.Absent;
        public void CopyTo(Entry[] array, int arrayIndex) => throw StandIn.Absent;
        public int Count => throw StandIn.Absent;
        public bool IsReadOnly => throw StandIn.Absent;
        public bool Remove(Entry item) => throw StandIn.Absent;
        public IEnumerator<Entry> GetEnumerator() => throw StandIn.Absent;
        IEnumerator IEnumerable.GetEnumerator() => throw StandIn.Absent;

        public class Entry
        {
            public Entry(string key, byte[] valueBytes) => throw StandIn.Absent;
            public Entry(string key, string value) => throw StandIn.Absent;
            public string Key => throw StandIn.Absent;
            public byte[] ValueBytes => throw StandIn.Absent;
            public string Value => throw StandIn.Absent;
            public bool IsBinary => throw StandIn.Absent;
            public override string ToString() => throw StandIn.Absent;
        }
    }

    public class RpcException : Exception
    {
        public RpcException(Status status) => throw StandIn.Absent;
        public RpcException(Status status, string message) => throw StandIn.Absent;
        public RpcException(Status status, Metadata trailers) => throw StandIn.Absent;
        public RpcException(Status status, Metadata trailers, string message) => throw StandIn.Absent;
        public Status Status => throw StandIn.Absent;
        public StatusCode StatusCode => throw StandIn.Absent;
        public Metadata Trailers => throw StandIn.Absent;
    }

    public struct Status
    {
        public static readonly Status DefaultSuccess;
        public static readonly Status DefaultCancelled;
        public Status(StatusCode statusCode, string detail) => throw StandIn.Absent;
        public Status(StatusCode statusCode, string detail, Exception debugException) => throw StandIn.Absent;
        public StatusCode StatusCode => throw StandIn.Absent;
        public string Detail => throw StandIn.Absent;
        public Exception DebugException => throw StandIn.Absent;
        public override string ToString() => throw StandIn.Absent;
    }

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
        Unauthenticated = 16,
        ResourceExhausted = 8,
        FailedPrecondition = 9,
        Aborted = 10,
        OutOfRange = 11,
        Unimplemented = 12,
        Internal = 13,
        Unavailable = 14,
        DataLoss = 15,
    }

    [Flags]
    public enum WriteFlags
    {
        BufferHint = 0x1,
        NoCompress = 0x2,
    }

    public class WriteOptions
    {
        public static readonly WriteOptions Default;
        public WriteOptions(WriteFlags flags = default(WriteFlags)) => throw StandIn.Absent;
        public WriteFlags Flags => throw StandIn.Absent;
    }

    public abstract class ContextPropagationToken
    {
        internal ContextPropagationToken() => throw StandIn.Absent;
    }

    public abstract class CallCredentials
    {
        internal CallCredentials() => throw StandIn.Absent;
    }
}
