// Stand-in for Google.Protobuf 3.21.12, to compile the package against: never run. Every member
// throws. Signatures copied from protocolbuffers/protobuf at tag v21.12 (the runtime matching
// gen_proto.sh's protoc 3.21.12), csharp/src/Google.Protobuf/: IMessage.cs, IBufferMessage.cs,
// IDeepCloneable.cs, MessageParser.cs, ParseContext.cs, WriteContext.cs, CodedInputStream.cs,
// CodedOutputStream.cs, CodedOutputStream.ComputeSize.cs, ByteString.cs, UnknownFieldSet.cs,
// FieldCodec.cs, ProtoPreconditions.cs, JsonFormatter.cs, WireFormat.cs, Extension.cs,
// MessageExtensions.cs. Left out: every member neither the generated code nor the package uses.
// Span, ReadOnlySequence and IBufferWriter come from Mono's class libraries, as they come from
// System.Memory in Unity.
using System;
using System.Buffers;
using System.Collections;
using System.Collections.Generic;
using System.IO;
using System.Text;
using Google.Protobuf.Reflection;

namespace Google.Protobuf
{
    internal static class StandIn
    {
        internal static Exception Absent => new NotImplementedException("Google.Protobuf stand-in: compile only");
    }

    public interface IMessage
    {
        void MergeFrom(CodedInputStream input);
        void WriteTo(CodedOutputStream output);
        int CalculateSize();
        MessageDescriptor Descriptor { get; }
    }

    public interface IMessage<T> : IMessage, IEquatable<T>, IDeepCloneable<T> where T : IMessage<T>
    {
        void MergeFrom(T message);
    }

    public interface IDeepCloneable<T>
    {
        T Clone();
    }

    public interface IBufferMessage : IMessage
    {
        void InternalMergeFrom(ref ParseContext ctx);
        void InternalWriteTo(ref WriteContext ctx);
    }

    public class MessageParser
    {
        internal MessageParser() => throw StandIn.Absent;
        public IMessage ParseFrom(byte[] data) => throw StandIn.Absent;
        public IMessage ParseFrom(byte[] data, int offset, int length) => throw StandIn.Absent;
        public IMessage ParseFrom(ByteString data) => throw StandIn.Absent;
        public IMessage ParseFrom(Stream input) => throw StandIn.Absent;
        public IMessage ParseFrom(ReadOnlySequence<byte> data) => throw StandIn.Absent;
        public IMessage ParseFrom(ReadOnlySpan<byte> data) => throw StandIn.Absent;
        public IMessage ParseDelimitedFrom(Stream input) => throw StandIn.Absent;
        public IMessage ParseFrom(CodedInputStream input) => throw StandIn.Absent;
        public IMessage ParseJson(string json) => throw StandIn.Absent;
        public MessageParser WithDiscardUnknownFields(bool discardUnknownFields) => throw StandIn.Absent;
    }

    public sealed class MessageParser<T> : MessageParser where T : IMessage<T>
    {
        public MessageParser(Func<T> factory) => throw StandIn.Absent;
        public new T ParseFrom(byte[] data) => throw StandIn.Absent;
        public new T ParseFrom(byte[] data, int offset, int length) => throw StandIn.Absent;
        public new T ParseFrom(ByteString data) => throw StandIn.Absent;
        public new T ParseFrom(Stream input) => throw StandIn.Absent;
        public new T ParseFrom(ReadOnlySequence<byte> data) => throw StandIn.Absent;
        public new T ParseFrom(ReadOnlySpan<byte> data) => throw StandIn.Absent;
        public new T ParseDelimitedFrom(Stream input) => throw StandIn.Absent;
        public new T ParseFrom(CodedInputStream input) => throw StandIn.Absent;
        public new T ParseJson(string json) => throw StandIn.Absent;
        public new MessageParser<T> WithDiscardUnknownFields(bool discardUnknownFields) => throw StandIn.Absent;
    }

    public ref struct ParseContext
    {
        public uint ReadTag() => throw StandIn.Absent;
        public double ReadDouble() => throw StandIn.Absent;
        public float ReadFloat() => throw StandIn.Absent;
        public ulong ReadUInt64() => throw StandIn.Absent;
        public long ReadInt64() => throw StandIn.Absent;
        public int ReadInt32() => throw StandIn.Absent;
        public ulong ReadFixed64() => throw StandIn.Absent;
        public uint ReadFixed32() => throw StandIn.Absent;
        public bool ReadBool() => throw StandIn.Absent;
        public string ReadString() => throw StandIn.Absent;
        public void ReadMessage(IMessage message) => throw StandIn.Absent;
        public void ReadGroup(IMessage message) => throw StandIn.Absent;
        public ByteString ReadBytes() => throw StandIn.Absent;
        public uint ReadUInt32() => throw StandIn.Absent;
        public int ReadEnum() => throw StandIn.Absent;
        public int ReadSFixed32() => throw StandIn.Absent;
        public long ReadSFixed64() => throw StandIn.Absent;
        public int ReadSInt32() => throw StandIn.Absent;
        public long ReadSInt64() => throw StandIn.Absent;
        public int ReadLength() => throw StandIn.Absent;
    }

    public ref struct WriteContext
    {
        public void WriteDouble(double value) => throw StandIn.Absent;
        public void WriteFloat(float value) => throw StandIn.Absent;
        public void WriteUInt64(ulong value) => throw StandIn.Absent;
        public void WriteInt64(long value) => throw StandIn.Absent;
        public void WriteInt32(int value) => throw StandIn.Absent;
        public void WriteFixed64(ulong value) => throw StandIn.Absent;
        public void WriteFixed32(uint value) => throw StandIn.Absent;
        public void WriteBool(bool value) => throw StandIn.Absent;
        public void WriteString(string value) => throw StandIn.Absent;
        public void WriteMessage(IMessage value) => throw StandIn.Absent;
        public void WriteGroup(IMessage value) => throw StandIn.Absent;
        public void WriteBytes(ByteString value) => throw StandIn.Absent;
        public void WriteUInt32(uint value) => throw StandIn.Absent;
        public void WriteEnum(int value) => throw StandIn.Absent;
        public void WriteSFixed32(int value) => throw StandIn.Absent;
        public void WriteSFixed64(long value) => throw StandIn.Absent;
        public void WriteSInt32(int value) => throw StandIn.Absent;
        public void WriteSInt64(long value) => throw StandIn.Absent;
        public void WriteLength(int length) => throw StandIn.Absent;
        public void WriteTag(int fieldNumber, WireFormat.WireType type) => throw StandIn.Absent;
        public void WriteTag(uint tag) => throw StandIn.Absent;
        public void WriteRawTag(byte b1) => throw StandIn.Absent;
        public void WriteRawTag(byte b1, byte b2) => throw StandIn.Absent;
        public void WriteRawTag(byte b1, byte b2, byte b3) => throw StandIn.Absent;
        public void WriteRawTag(byte b1, byte b2, byte b3, byte b4) => throw StandIn.Absent;
        public void WriteRawTag(byte b1, byte b2, byte b3, byte b4, byte b5) => throw StandIn.Absent;
    }

    public sealed class CodedInputStream : IDisposable
    {
        public CodedInputStream(byte[] buffer) => throw StandIn.Absent;
        public CodedInputStream(byte[] buffer, int offset, int length) => throw StandIn.Absent;
        public CodedInputStream(Stream input) => throw StandIn.Absent;
        public CodedInputStream(Stream input, bool leaveOpen) => throw StandIn.Absent;
        public long Position => throw StandIn.Absent;
        public void Dispose() => throw StandIn.Absent;
        public uint PeekTag() => throw StandIn.Absent;
        public uint ReadTag() => throw StandIn.Absent;
        public void SkipLastField() => throw StandIn.Absent;
        public double ReadDouble() => throw StandIn.Absent;
        public float ReadFloat() => throw StandIn.Absent;
        public ulong ReadUInt64() => throw StandIn.Absent;
        public long ReadInt64() => throw StandIn.Absent;
        public int ReadInt32() => throw StandIn.Absent;
        public ulong ReadFixed64() => throw StandIn.Absent;
        public uint ReadFixed32() => throw StandIn.Absent;
        public bool ReadBool() => throw StandIn.Absent;
        public string ReadString() => throw StandIn.Absent;
        public void ReadMessage(IMessage builder) => throw StandIn.Absent;
        public void ReadGroup(IMessage builder) => throw StandIn.Absent;
        public ByteString ReadBytes() => throw StandIn.Absent;
        public uint ReadUInt32() => throw StandIn.Absent;
        public int ReadEnum() => throw StandIn.Absent;
        public int ReadSFixed32() => throw StandIn.Absent;
        public long ReadSFixed64() => throw StandIn.Absent;
        public int ReadSInt32() => throw StandIn.Absent;
        public long ReadSInt64() => throw StandIn.Absent;
        public int ReadLength() => throw StandIn.Absent;
        public bool MaybeConsumeTag(uint tag) => throw StandIn.Absent;
        public bool IsAtEnd => throw StandIn.Absent;
        public void ReadRawMessage(IMessage message) => throw StandIn.Absent;
    }

    public sealed partial class CodedOutputStream : IDisposable
    {
        public static readonly int DefaultBufferSize = 4096;
        public CodedOutputStream(byte[] flatArray) => throw StandIn.Absent;
        public CodedOutputStream(Stream output) => throw StandIn.Absent;
        public CodedOutputStream(Stream output, int bufferSize) => throw StandIn.Absent;
        public CodedOutputStream(Stream output, bool leaveOpen) => throw StandIn.Absent;
        public CodedOutputStream(Stream output, int bufferSize, bool leaveOpen) => throw StandIn.Absent;
        public long Position => throw StandIn.Absent;
        public void WriteDouble(double value) => throw StandIn.Absent;
        public void WriteFloat(float value) => throw StandIn.Absent;
        public void WriteUInt64(ulong value) => throw StandIn.Absent;
        public void WriteInt64(long value) => throw StandIn.Absent;
        public void WriteInt32(int value) => throw StandIn.Absent;
        public void WriteFixed64(ulong value) => throw StandIn.Absent;
        public void WriteFixed32(uint value) => throw StandIn.Absent;
        public void WriteBool(bool value) => throw StandIn.Absent;
        public void WriteString(string value) => throw StandIn.Absent;
        public void WriteMessage(IMessage value) => throw StandIn.Absent;
        public void WriteRawMessage(IMessage value) => throw StandIn.Absent;
        public void WriteGroup(IMessage value) => throw StandIn.Absent;
        public void WriteBytes(ByteString value) => throw StandIn.Absent;
        public void WriteUInt32(uint value) => throw StandIn.Absent;
        public void WriteEnum(int value) => throw StandIn.Absent;
        public void WriteSFixed32(int value) => throw StandIn.Absent;
        public void WriteSFixed64(long value) => throw StandIn.Absent;
        public void WriteSInt32(int value) => throw StandIn.Absent;
        public void WriteSInt64(long value) => throw StandIn.Absent;
        public void WriteLength(int length) => throw StandIn.Absent;
        public void WriteTag(int fieldNumber, WireFormat.WireType type) => throw StandIn.Absent;
        public void WriteTag(uint tag) => throw StandIn.Absent;
        public void WriteRawTag(byte b1) => throw StandIn.Absent;
        public void WriteRawTag(byte b1, byte b2) => throw StandIn.Absent;
        public void WriteRawTag(byte b1, byte b2, byte b3) => throw StandIn.Absent;
        public void WriteRawTag(byte b1, byte b2, byte b3, byte b4) => throw StandIn.Absent;
        public void WriteRawTag(byte b1, byte b2, byte b3, byte b4, byte b5) => throw StandIn.Absent;
        public void Dispose() => throw StandIn.Absent;
        public void Flush() => throw StandIn.Absent;
        public void CheckNoSpaceLeft() => throw StandIn.Absent;
        public int SpaceLeft => throw StandIn.Absent;

        public static int ComputeDoubleSize(double value) => throw StandIn.Absent;
        public static int ComputeFloatSize(float value) => throw StandIn.Absent;
        public static int ComputeUInt64Size(ulong value) => throw StandIn.Absent;
        public static int ComputeInt64Size(long value) => throw StandIn.Absent;
        public static int ComputeInt32Size(int value) => throw StandIn.Absent;
        public static int ComputeFixed64Size(ulong value) => throw StandIn.Absent;
        public static int ComputeFixed32Size(uint value) => throw StandIn.Absent;
        public static int ComputeBoolSize(bool value) => throw StandIn.Absent;
        public static int ComputeStringSize(String value) => throw StandIn.Absent;
        public static int ComputeGroupSize(IMessage value) => throw StandIn.Absent;
        public static int ComputeMessageSize(IMessage value) => throw StandIn.Absent;
        public static int ComputeBytesSize(ByteString value) => throw StandIn.Absent;
        public static int ComputeUInt32Size(uint value) => throw StandIn.Absent;
        public static int ComputeEnumSize(int value) => throw StandIn.Absent;
        public static int ComputeSFixed32Size(int value) => throw StandIn.Absent;
        public static int ComputeSFixed64Size(long value) => throw StandIn.Absent;
        public static int ComputeSInt32Size(int value) => throw StandIn.Absent;
        public static int ComputeSInt64Size(long value) => throw StandIn.Absent;
        public static int ComputeLengthSize(int length) => throw StandIn.Absent;
        public static int ComputeRawVarint32Size(uint value) => throw StandIn.Absent;
        public static int ComputeRawVarint64Size(ulong value) => throw StandIn.Absent;
        public static int ComputeTagSize(int fieldNumber) => throw StandIn.Absent;
    }

    public sealed class ByteString : IEnumerable<byte>, IEquatable<ByteString>
    {
        internal ByteString() => throw StandIn.Absent;
        public static ByteString Empty => throw StandIn.Absent;
        public int Length => throw StandIn.Absent;
        public bool IsEmpty => throw StandIn.Absent;
        public ReadOnlySpan<byte> Span => throw StandIn.Absent;
        public ReadOnlyMemory<byte> Memory => throw StandIn.Absent;
        public byte[] ToByteArray() => throw StandIn.Absent;
        public string ToBase64() => throw StandIn.Absent;
        public static ByteString FromBase64(string bytes) => throw StandIn.Absent;
        public static ByteString FromStream(Stream stream) => throw StandIn.Absent;
        public static ByteString CopyFrom(params byte[] bytes) => throw StandIn.Absent;
        public static ByteString CopyFrom(byte[] bytes, int offset, int count) => throw StandIn.Absent;
        public static ByteString CopyFrom(ReadOnlySpan<byte> bytes) => throw StandIn.Absent;
        public static ByteString CopyFrom(string text, Encoding encoding) => throw StandIn.Absent;
        public static ByteString CopyFromUtf8(string text) => throw StandIn.Absent;
        public byte this[int index] => throw StandIn.Absent;
        public string ToString(Encoding encoding) => throw StandIn.Absent;
        public string ToStringUtf8() => throw StandIn.Absent;
        public IEnumerator<byte> GetEnumerator() => throw StandIn.Absent;
        IEnumerator IEnumerable.GetEnumerator() => throw StandIn.Absent;
        public CodedInputStream CreateCodedInput() => throw StandIn.Absent;
        public static bool operator ==(ByteString lhs, ByteString rhs) => throw StandIn.Absent;
        public static bool operator !=(ByteString lhs, ByteString rhs) => throw StandIn.Absent;
        public override bool Equals(object obj) => throw StandIn.Absent;
        public override int GetHashCode() => throw StandIn.Absent;
        public bool Equals(ByteString other) => throw StandIn.Absent;
        public void CopyTo(byte[] array, int position) => throw StandIn.Absent;
        public void WriteTo(Stream outputStream) => throw StandIn.Absent;
    }

    public sealed partial class UnknownFieldSet
    {
        internal UnknownFieldSet() => throw StandIn.Absent;
        public void WriteTo(CodedOutputStream output) => throw StandIn.Absent;
        public void WriteTo(ref WriteContext ctx) => throw StandIn.Absent;
        public int CalculateSize() => throw StandIn.Absent;
        public override bool Equals(object other) => throw StandIn.Absent;
        public override int GetHashCode() => throw StandIn.Absent;
        public static UnknownFieldSet MergeFieldFrom(UnknownFieldSet unknownFields, CodedInputStream input) => throw StandIn.Absent;
        public static UnknownFieldSet MergeFieldFrom(UnknownFieldSet unknownFields, ref ParseContext ctx) => throw StandIn.Absent;
        public static UnknownFieldSet MergeFrom(UnknownFieldSet unknownFields, UnknownFieldSet other) => throw StandIn.Absent;
        public static UnknownFieldSet Clone(UnknownFieldSet other) => throw StandIn.Absent;
    }

    public static class FieldCodec
    {
        public static FieldCodec<string> ForString(uint tag) => throw StandIn.Absent;
        public static FieldCodec<ByteString> ForBytes(uint tag) => throw StandIn.Absent;
        public static FieldCodec<bool> ForBool(uint tag) => throw StandIn.Absent;
        public static FieldCodec<int> ForInt32(uint tag) => throw StandIn.Absent;
        public static FieldCodec<uint> ForUInt32(uint tag) => throw StandIn.Absent;
        public static FieldCodec<long> ForInt64(uint tag) => throw StandIn.Absent;
        public static FieldCodec<ulong> ForUInt64(uint tag) => throw StandIn.Absent;
        public static FieldCodec<float> ForFloat(uint tag) => throw StandIn.Absent;
        public static FieldCodec<double> ForDouble(uint tag) => throw StandIn.Absent;
        public static FieldCodec<T> ForEnum<T>(uint tag, Func<T, int> toInt32, Func<int, T> fromInt32) => throw StandIn.Absent;
        public static FieldCodec<string> ForString(uint tag, string defaultValue) => throw StandIn.Absent;
        public static FieldCodec<ByteString> ForBytes(uint tag, ByteString defaultValue) => throw StandIn.Absent;
        public static FieldCodec<bool> ForBool(uint tag, bool defaultValue) => throw StandIn.Absent;
        public static FieldCodec<int> ForInt32(uint tag, int defaultValue) => throw StandIn.Absent;
        public static FieldCodec<long> ForInt64(uint tag, long defaultValue) => throw StandIn.Absent;
        public static FieldCodec<double> ForDouble(uint tag, double defaultValue) => throw StandIn.Absent;
        public static FieldCodec<T> ForEnum<T>(uint tag, Func<T, int> toInt32, Func<int, T> fromInt32, T defaultValue) => throw StandIn.Absent;
        public static FieldCodec<T> ForMessage<T>(uint tag, MessageParser<T> parser) where T : class, IMessage<T> => throw StandIn.Absent;
    }

    public sealed class FieldCodec<T>
    {
        internal FieldCodec() => throw StandIn.Absent;
        public void WriteTagAndValue(CodedOutputStream output, T value) => throw StandIn.Absent;
        public void WriteTagAndValue(ref WriteContext ctx, T value) => throw StandIn.Absent;
        public T Read(CodedInputStream input) => throw StandIn.Absent;
        public T Read(ref ParseContext ctx) => throw StandIn.Absent;
        public int CalculateSizeWithTag(T value) => throw StandIn.Absent;
    }

    public static class MessageExtensions
    {
        public static void MergeFrom(this IMessage message, byte[] data) => throw StandIn.Absent;
        public static void MergeFrom(this IMessage message, byte[] data, int offset, int length) => throw StandIn.Absent;
        public static void MergeFrom(this IMessage message, ByteString data) => throw StandIn.Absent;
        public static void MergeFrom(this IMessage message, Stream input) => throw StandIn.Absent;
        public static void MergeFrom(this IMessage message, ReadOnlySpan<byte> span) => throw StandIn.Absent;
        public static void MergeDelimitedFrom(this IMessage message, Stream input) => throw StandIn.Absent;
        public static byte[] ToByteArray(this IMessage message) => throw StandIn.Absent;
        public static void WriteTo(this IMessage message, Stream output) => throw StandIn.Absent;
        public static void WriteDelimitedTo(this IMessage message, Stream output) => throw StandIn.Absent;
        public static ByteString ToByteString(this IMessage message) => throw StandIn.Absent;
        public static void WriteTo(this IMessage message, IBufferWriter<byte> output) => throw StandIn.Absent;
        public static void WriteTo(this IMessage message, Span<byte> output) => throw StandIn.Absent;
        public static bool IsInitialized(this IMessage message) => throw StandIn.Absent;
    }

    public static class ProtoPreconditions
    {
        public static T CheckNotNull<T>(T value, string name) where T : class => throw StandIn.Absent;
    }

    public sealed class JsonFormatter
    {
        internal JsonFormatter() => throw StandIn.Absent;
        public static JsonFormatter Default => throw StandIn.Absent;
        public string Format(IMessage message) => throw StandIn.Absent;
        public void Format(IMessage message, TextWriter writer) => throw StandIn.Absent;
        public static string ToDiagnosticString(IMessage message) => throw StandIn.Absent;
    }

    public static class WireFormat
    {
        public enum WireType : uint
        {
            Varint = 0,
            Fixed64 = 1,
            LengthDelimited = 2,
            StartGroup = 3,
            EndGroup = 4,
            Fixed32 = 5,
        }
    }

    public abstract class Extension
    {
        protected Extension(int fieldNumber) => throw StandIn.Absent;
        public int FieldNumber => throw StandIn.Absent;
    }
}
