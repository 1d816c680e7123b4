// Signatures from protocolbuffers/protobuf at tag v21.12, csharp/src/Google.Protobuf/Collections/:
// RepeatedField.cs, MapField.cs, ProtobufEqualityComparers.cs. Compile only: every member throws.
using System;
using System.Collections;
using System.Collections.Generic;

namespace Google.Protobuf.Collections
{
    public sealed class RepeatedField<T> : IList<T>, IList, IDeepCloneable<RepeatedField<T>>, IEquatable<RepeatedField<T>>, IReadOnlyList<T>
    {
        public RepeatedField<T> Clone() => throw StandIn.Absent;
        public void AddEntriesFrom(CodedInputStream input, FieldCodec<T> codec) => throw StandIn.Absent;
        public void AddEntriesFrom(ref ParseContext ctx, FieldCodec<T> codec) => throw StandIn.Absent;
        public int CalculateSize(FieldCodec<T> codec) => throw StandIn.Absent;
        public void WriteTo(CodedOutputStream output, FieldCodec<T> codec) => throw StandIn.Absent;
        public void WriteTo(ref WriteContext ctx, FieldCodec<T> codec) => throw StandIn.Absent;
        public int Capacity { get => throw StandIn.Absent; set => throw StandIn.Absent; }
        public void Add(T item) => throw StandIn.Absent;
        public void Clear() => throw StandIn.Absent;
        public bool Contains(T item) => throw StandIn.Absent;
        public void CopyTo(T[] array, int arrayIndex) => throw StandIn.Absent;
        public bool Remove(T item) => throw StandIn.Absent;
        public int Count => throw StandIn.Absent;
        public bool IsReadOnly => throw StandIn.Absent;
        public void AddRange(IEnumerable<T> values) => throw StandIn.Absent;
        public void Add(IEnumerable<T> values) => throw StandIn.Absent;
        public IEnumerator<T> GetEnumerator() => throw StandIn.Absent;
        public override bool Equals(object obj) => throw StandIn.Absent;
        IEnumerator IEnumerable.GetEnumerator() => throw StandIn.Absent;
        public override int GetHashCode() => throw StandIn.Absent;
        public bool Equals(RepeatedField<T> other) => throw StandIn.Absent;
        public int IndexOf(T item) => throw StandIn.Absent;
        public void Insert(int index, T item) => throw StandIn.Absent;
        public void RemoveAt(int index) => throw StandIn.Absent;
        public override string ToString() => throw StandIn.Absent;
        public T this[int index] { get => throw StandIn.Absent; set => throw StandIn.Absent; }

        bool IList.IsFixedSize => throw StandIn.Absent;
        void ICollection.CopyTo(Array array, int index) => throw StandIn.Absent;
        bool ICollection.IsSynchronized => throw StandIn.Absent;
        object ICollection.SyncRoot => throw StandIn.Absent;
        object IList.this[int index] { get => throw StandIn.Absent; set => throw StandIn.Absent; }
        int IList.Add(object value) => throw StandIn.Absent;
        bool IList.Contains(object value) => throw StandIn.Absent;
        int IList.IndexOf(object value) => throw StandIn.Absent;
        void IList.Insert(int index, object value) => throw StandIn.Absent;
        void IList.Remove(object value) => throw StandIn.Absent;
    }

    public sealed class MapField<TKey, TValue> : IDeepCloneable<MapField<TKey, TValue>>, IDictionary<TKey, TValue>, IEquatable<MapField<TKey, TValue>>, IDictionary, IReadOnlyDictionary<TKey, TValue>
    {
        public MapField<TKey, TValue> Clone() => throw StandIn.Absent;
        public void Add(TKey key, TValue value) => throw StandIn.Absent;
        public bool ContainsKey(TKey key) => throw StandIn.Absent;
        public bool Remove(TKey key) => throw StandIn.Absent;
        public bool TryGetValue(TKey key, out TValue value) => throw StandIn.Absent;
        public TValue this[TKey key] { get => throw StandIn.Absent; set => throw StandIn.Absent; }
        public ICollection<TKey> Keys => throw StandIn.Absent;
        public ICollection<TValue> Values => throw StandIn.Absent;
        public void Add(IDictionary<TKey, TValue> entries) => throw StandIn.Absent;
        public IEnumerator<KeyValuePair<TKey, TValue>> GetEnumerator() => throw StandIn.Absent;
        IEnumerator IEnumerable.GetEnumerator() => throw StandIn.Absent;
        public void Clear() => throw StandIn.Absent;
        public int Count => throw StandIn.Absent;
        public bool IsReadOnly => throw StandIn.Absent;
        public override bool Equals(object other) => throw StandIn.Absent;
        public override int GetHashCode() => throw StandIn.Absent;
        public bool Equals(MapField<TKey, TValue> other) => throw StandIn.Absent;
        public void AddEntriesFrom(CodedInputStream input, Codec codec) => throw StandIn.Absent;
        public void AddEntriesFrom(ref ParseContext ctx, Codec codec) => throw StandIn.Absent;
        public void WriteTo(CodedOutputStream output, Codec codec) => throw StandIn.Absent;
        public void WriteTo(ref WriteContext ctx, Codec codec) => throw StandIn.Absent;
        public int CalculateSize(Codec codec) => throw StandIn.Absent;
        public override string ToString() => throw StandIn.Absent;

        void ICollection<KeyValuePair<TKey, TValue>>.Add(KeyValuePair<TKey, TValue> item) => throw StandIn.Absent;
        bool ICollection<KeyValuePair<TKey, TValue>>.Contains(KeyValuePair<TKey, TValue> item) => throw StandIn.Absent;
        void ICollection<KeyValuePair<TKey, TValue>>.CopyTo(KeyValuePair<TKey, TValue>[] array, int arrayIndex) => throw StandIn.Absent;
        bool ICollection<KeyValuePair<TKey, TValue>>.Remove(KeyValuePair<TKey, TValue> item) => throw StandIn.Absent;
        void IDictionary.Add(object key, object value) => throw StandIn.Absent;
        bool IDictionary.Contains(object key) => throw StandIn.Absent;
        IDictionaryEnumerator IDictionary.GetEnumerator() => throw StandIn.Absent;
        void IDictionary.Remove(object key) => throw StandIn.Absent;
        void ICollection.CopyTo(Array array, int index) => throw StandIn.Absent;
        bool IDictionary.IsFixedSize => throw StandIn.Absent;
        ICollection IDictionary.Keys => throw StandIn.Absent;
        ICollection IDictionary.Values => throw StandIn.Absent;
        bool ICollection.IsSynchronized => throw StandIn.Absent;
        object ICollection.SyncRoot => throw StandIn.Absent;
        object IDictionary.this[object key] { get => throw StandIn.Absent; set => throw StandIn.Absent; }
        IEnumerable<TKey> IReadOnlyDictionary<TKey, TValue>.Keys => throw StandIn.Absent;
        IEnumerable<TValue> IReadOnlyDictionary<TKey, TValue>.Values => throw StandIn.Absent;

        public sealed class Codec
        {
            public Codec(FieldCodec<TKey> keyCodec, FieldCodec<TValue> valueCodec, uint mapTag) => throw StandIn.Absent;
        }
    }

    public static class ProtobufEqualityComparers
    {
        public static EqualityComparer<T> GetEqualityComparer<T>() => throw StandIn.Absent;
        public static EqualityComparer<double> BitwiseDoubleEqualityComparer => throw StandIn.Absent;
        public static EqualityComparer<float> BitwiseSingleEqualityComparer => throw StandIn.Absent;
        public static EqualityComparer<double?> BitwiseNullableDoubleEqualityComparer => throw StandIn.Absent;
        public static EqualityComparer<float?> BitwiseNullableSingleEqualityComparer => throw StandIn.Absent;
    }
}
