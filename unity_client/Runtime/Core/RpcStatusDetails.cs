using System;
using System.Collections.Generic;
using System.Text;

namespace WorldStream.Core
{
    /// <summary>
    /// Reads the `grpc-status-details-bin` trailer: a serialized google.rpc.Status whose details
    /// hold a google.rpc.ErrorInfo (docs/errors.md). A few dozen lines of protobuf wire format
    /// instead of a dependency on the googleapis protos; unknown fields are skipped.
    /// </summary>
    public static class RpcStatusDetails
    {
        const string ErrorInfoType = "type.googleapis.com/google.rpc.ErrorInfo";

        /// <summary>The error the trailer describes; a malformed trailer throws FormatException.</summary>
        public static WorldStreamError Parse(byte[] status)
        {
            if (status == null) throw new ArgumentNullException(nameof(status));
            int code = 0;
            string message = "", reason = "";
            var metadata = new Dictionary<string, string>();
            var reader = new ProtoReader(status, 0, status.Length);
            while (reader.Next())
            {
                if (reader.Field == 1 && reader.WireType == 0) code = (int)reader.Varint();
                else if (reader.Field == 2 && reader.WireType == 2) message = reader.String();
                else if (reader.Field == 3 && reader.WireType == 2) ReadAny(reader.Bytes(), ref reason, metadata);
                else reader.Skip();
            }
            return WorldStreamError.FromWire(code, message, reason, metadata);
        }

        static void ReadAny(ArraySegment<byte> any, ref string reason, Dictionary<string, string> metadata)
        {
            string type = "";
            var value = default(ArraySegment<byte>);
            var reader = new ProtoReader(any.Array, any.Offset, any.Count);
            while (reader.Next())
            {
                if (reader.Field == 1 && reader.WireType == 2) type = reader.String();
                else if (reader.Field == 2 && reader.WireType == 2) value = reader.Bytes();
                else reader.Skip();
            }
            if (type != ErrorInfoType || value.Array == null) return;
            var info = new ProtoReader(value.Array, value.Offset, value.Count);
            while (info.Next())
            {
                if (info.Field == 1 && info.WireType == 2) reason = info.String();
                else if (info.Field == 3 && info.WireType == 2) ReadMapEntry(info.Bytes(), metadata);
                else info.Skip();
            }
        }

        static void ReadMapEntry(ArraySegment<byte> entry, Dictionary<string, string> metadata)
        {
            string key = "", value = "";
            var reader = new ProtoReader(entry.Array, entry.Offset, entry.Count);
            while (reader.Next())
            {
                if (reader.Field == 1 && reader.WireType == 2) key = reader.String();
                else if (reader.Field == 2 && reader.WireType == 2) value = reader.String();
                else reader.Skip();
            }
            metadata[key] = value;
        }

        /// <summary>A bounds-checked protobuf wire reader over buffer[offset .. offset + count).</summary>
        sealed class ProtoReader
        {
            readonly byte[] buffer;
            readonly int end;
            int at;

            public ProtoReader(byte[] buffer, int offset, int count)
            {
                this.buffer = buffer;
                at = offset;
                end = offset + count;
            }

            public int Field { get; private set; }

            public int WireType { get; private set; }

            public bool Next()
            {
                if (at >= end) return false;
                ulong tag = Varint();
                Field = (int)(tag >> 3);
                WireType = (int)(tag & 7);
                if (Field == 0) throw new FormatException("field number 0 in a google.rpc.Status");
                return true;
            }

            public ulong Varint()
            {
                ulong value = 0;
                for (int shift = 0; shift < 64; shift += 7)
                {
                    if (at >= end) throw new FormatException("a varint runs past the end of the status");
                    byte b = buffer[at++];
                    value |= (ulong)(b & 0x7F) << shift;
                    if ((b & 0x80) == 0) return value;
                }
                throw new FormatException("a varint is longer than 10 bytes");
            }

            public ArraySegment<byte> Bytes()
            {
                ulong length = Varint();
                if (length > (ulong)(end - at)) throw new FormatException("a field runs past the end of the status");
                var segment = new ArraySegment<byte>(buffer, at, (int)length);
                at += (int)length;
                return segment;
            }

            public string String()
            {
                var bytes = Bytes();
                return Encoding.UTF8.GetString(bytes.Array, bytes.Offset, bytes.Count);
            }

            public void Skip()
            {
                switch (WireType)
                {
                    case 0: Varint(); break;
                    case 1: Advance(8); break;
                    case 2: Bytes(); break;
                    case 5: Advance(4); break;
                    default: throw new FormatException("wire type " + WireType + " in a google.rpc.Status");
                }
            }

            void Advance(int bytes)
            {
                if (bytes > end - at) throw new FormatException("a field runs past the end of the status");
                at += bytes;
            }
        }
    }
}
