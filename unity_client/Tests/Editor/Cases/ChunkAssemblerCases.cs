using System;
using WorldStream.Core;

namespace WorldStream.Tests
{
    /// <summary>Chunk reassembly: in order makes the payload; any broken order is detected.</summary>
    public static class ChunkAssemblerCases
    {
        static TileChunkInfo Chunk(TileKey key, int index, int count, long payloadBytes, long version = 1) =>
            new TileChunkInfo
            {
                Key = key,
                Version = version,
                Encoding = PayloadEncoding.QuantizedV1,
                ChunkIndex = index,
                ChunkCount = count,
                PayloadBytes = payloadBytes,
            };

        static readonly TileKey A = new TileKey(0, 0, 0, 0);
        static readonly TileKey B = new TileKey(1, 0, 0, 0);

        public static void Chunks_in_order_make_the_payload_which_decodes()
        {
            GoldenVector vector = null;
            foreach (var v in GoldenVector.LoadAll(TestData.RequireVectors()))
            {
                if (vector == null || v.Payload.Length > vector.Payload.Length) vector = v;
            }
            var payload = vector.Payload;
            var assembler = new ChunkAssembler();
            int size = (payload.Length + 2) / 3;
            AssembledPayload done = null;
            for (int i = 0; i < 3; i++)
            {
                int start = i * size, count = Math.Min(size, payload.Length - start);
                Check.True(done == null, "finished early");
                done = assembler.Add(Chunk(A, i, 3, payload.Length), payload, start, count);
                Check.Equal(i < 2, assembler.InProgress, "in progress after chunk " + i);
            }
            Check.True(done != null, "the last chunk completes the tile");
            Check.Equal(payload.Length, done.Payload.Length, "length");
            for (int i = 0; i < payload.Length; i++) Check.Equal(payload[i], done.Payload[i], "byte " + i);
            var tile = TileDecoder.Decode(done.Info.Encoding, done.Payload);
            Check.Equal(vector.Count, tile.SplatCount, "decoded splats");
        }

        public static void A_tile_of_one_empty_chunk_is_an_empty_payload()
        {
            var done = new ChunkAssembler().Add(Chunk(A, 0, 1, 0), new byte[0], 0, 0);
            Check.Equal(0, done.Payload.Length, "empty payload");
        }

        public static void A_skipped_chunk_is_out_of_order_and_drops_the_tile()
        {
            var assembler = new ChunkAssembler();
            assembler.Add(Chunk(A, 0, 3, 30), new byte[10], 0, 10);
            var e = Check.Throws<ChunkOrderException>(() => assembler.Add(Chunk(A, 2, 3, 30), new byte[10], 0, 10), "0 then 2");
            Check.Equal(ChunkOrderProblem.OutOfOrder, e.Problem, "problem");
            Check.Equal(20L, e.DroppedBytes, "bytes to acknowledge anyway");
            Check.True(!assembler.InProgress, "the tile is dropped");
        }

        public static void A_chunk_of_another_tile_mid_tile_is_interleaving()
        {
            var assembler = new ChunkAssembler();
            assembler.Add(Chunk(A, 0, 2, 20), new byte[10], 0, 10);
            var e = Check.Throws<ChunkOrderException>(() => assembler.Add(Chunk(B, 1, 2, 20), new byte[10], 0, 10), "B mid A");
            Check.Equal(ChunkOrderProblem.Interleaved, e.Problem, "problem");
            assembler.Add(Chunk(A, 0, 2, 20), new byte[10], 0, 10);
            var restart = Check.Throws<ChunkOrderException>(() => assembler.Add(Chunk(B, 0, 1, 5), new byte[5], 0, 5), "B starts mid A");
            Check.Equal(ChunkOrderProblem.Interleaved, restart.Problem, "problem");
            Check.Equal(15L, restart.DroppedBytes, "dropped bytes");
        }

        public static void A_continuation_without_a_start_is_refused()
        {
            var e = Check.Throws<ChunkOrderException>(
                () => new ChunkAssembler().Add(Chunk(A, 1, 2, 20), new byte[10], 0, 10), "chunk 1 first");
            Check.Equal(ChunkOrderProblem.NoTileInProgress, e.Problem, "problem");
        }

        public static void A_tile_that_changes_its_counts_or_version_midway_is_refused()
        {
            var assembler = new ChunkAssembler();
            assembler.Add(Chunk(A, 0, 3, 30), new byte[10], 0, 10);
            var count = Check.Throws<ChunkOrderException>(() => assembler.Add(Chunk(A, 1, 4, 30), new byte[10], 0, 10), "count 3 then 4");
            Check.Equal(ChunkOrderProblem.InconsistentTile, count.Problem, "count problem");
            assembler.Add(Chunk(A, 0, 2, 20), new byte[10], 0, 10);
            var version = Check.Throws<ChunkOrderException>(() => assembler.Add(Chunk(A, 1, 2, 20, 2), new byte[10], 0, 10), "version 1 then 2");
            Check.Equal(ChunkOrderProblem.InconsistentTile, version.Problem, "version problem");
        }

        public static void Chunks_holding_more_or_fewer_bytes_than_declared_are_refused()
        {
            var assembler = new ChunkAssembler();
            var over = Check.Throws<ChunkOrderException>(() => assembler.Add(Chunk(A, 0, 1, 5), new byte[6], 0, 6), "6 bytes of 5");
            Check.Equal(ChunkOrderProblem.SizeMismatch, over.Problem, "too many");
            assembler.Add(Chunk(A, 0, 2, 20), new byte[10], 0, 10);
            var under = Check.Throws<ChunkOrderException>(() => assembler.Add(Chunk(A, 1, 2, 20), new byte[9], 0, 9), "19 bytes of 20");
            Check.Equal(ChunkOrderProblem.SizeMismatch, under.Problem, "too few");
            Check.Equal(19L, under.DroppedBytes, "dropped bytes");
        }

        public static void Impossible_counts_and_oversized_payloads_are_refused_before_allocating()
        {
            var assembler = new ChunkAssembler(1024);
            var big = Check.Throws<ChunkOrderException>(() => assembler.Add(Chunk(A, 0, 1, 1L << 40), new byte[1], 0, 1), "a terabyte tile");
            Check.Equal(ChunkOrderProblem.PayloadTooLarge, big.Problem, "problem");
            foreach (var bad in new[] { Chunk(A, 0, 0, 1), Chunk(A, 2, 2, 1), Chunk(A, -1, 2, 1), Chunk(A, 0, 1, -5) })
            {
                var e = Check.Throws<ChunkOrderException>(() => assembler.Add(bad, new byte[1], 0, 1), "chunk " + bad.ChunkIndex + "/" + bad.ChunkCount);
                Check.Equal(ChunkOrderProblem.InvalidCounts, e.Problem, "problem");
            }
        }

        public static void After_a_broken_tile_the_next_tile_assembles_normally()
        {
            var assembler = new ChunkAssembler();
            assembler.Add(Chunk(A, 0, 2, 20), new byte[10], 0, 10);
            Check.Throws<ChunkOrderException>(() => assembler.Add(Chunk(B, 1, 2, 20), new byte[10], 0, 10), "broken");
            Check.True(assembler.Add(Chunk(B, 0, 2, 3), new byte[] { 1, 2 }, 0, 2) == null, "first half");
            var done = assembler.Add(Chunk(B, 1, 2, 3), new byte[] { 9, 3 }, 1, 1);
            Check.Equal(3, done.Payload.Length, "length");
            Check.Equal((byte)3, done.Payload[2], "the slice of the second chunk");
            Check.Equal(0L, assembler.Abandon(), "nothing pending");
        }
    }
}
