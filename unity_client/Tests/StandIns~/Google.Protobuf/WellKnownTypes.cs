// Signatures from protocolbuffers/protobuf at tag v21.12,
// csharp/src/Google.Protobuf/WellKnownTypes/:
// Timestamp.cs (generated) and TimestampPartial.cs. Compile only: every member throws.
using System;
using Google.Protobuf.Reflection;

namespace Google.Protobuf.WellKnownTypes
{
    public static partial class TimestampReflection
    {
        public static FileDescriptor Descriptor => throw StandIn.Absent;
    }

    public sealed partial class Timestamp : IMessage<Timestamp>, IBufferMessage, IComparable<Timestamp>
    {
        public static MessageParser<Timestamp> Parser => throw StandIn.Absent;
        public static MessageDescriptor Descriptor => throw StandIn.Absent;
        MessageDescriptor IMessage.Descriptor => throw StandIn.Absent;
        public Timestamp() => throw StandIn.Absent;
        public Timestamp(Timestamp other) => throw StandIn.Absent;
        public Timestamp Clone() => throw StandIn.Absent;
        public const int SecondsFieldNumber = 1;
        public long Seconds { get => throw StandIn.Absent; set => throw StandIn.Absent; }
        public const int NanosFieldNumber = 2;
        public int Nanos { get => throw StandIn.Absent; set => throw StandIn.Absent; }
        public override bool Equals(object other) => throw StandIn.Absent;
        public bool Equals(Timestamp other) => throw StandIn.Absent;
        public override int GetHashCode() => throw StandIn.Absent;
        public override string ToString() => throw StandIn.Absent;
        public void WriteTo(CodedOutputStream output) => throw StandIn.Absent;
        void IBufferMessage.InternalWriteTo(ref WriteContext output) => throw StandIn.Absent;
        public int CalculateSize() => throw StandIn.Absent;
        public void MergeFrom(Timestamp other) => throw StandIn.Absent;
        public void MergeFrom(CodedInputStream input) => throw StandIn.Absent;
        void IBufferMessage.InternalMergeFrom(ref ParseContext input) => throw StandIn.Absent;
        public DateTime ToDateTime() => throw StandIn.Absent;
        public DateTimeOffset ToDateTimeOffset() => throw StandIn.Absent;
        public static Timestamp FromDateTime(DateTime dateTime) => throw StandIn.Absent;
        public static Timestamp FromDateTimeOffset(DateTimeOffset dateTimeOffset) => throw StandIn.Absent;
        public int CompareTo(Timestamp other) => throw StandIn.Absent;
        public static bool operator ==(Timestamp a, Timestamp b) => throw StandIn.Absent;
        public static bool operator !=(Timestamp a, Timestamp b) => throw StandIn.Absent;
    }
}
