// Stand-in for Grpc.Net.Common 2.51.0 (netstandard2.1 build, the one Unity 2021.3 takes), to
// compile the package against: never run. Signatures copied from grpc/grpc-dotnet at tag v2.51.0,
// src/Grpc.Net.Common/Compression/ICompressionProvider.cs. ConnectivityState.cs is compiled for
// NET5_0_OR_GREATER only, so it is not here.
using System.IO;
using System.IO.Compression;

namespace Grpc.Net.Compression
{
    public interface ICompressionProvider
    {
        string EncodingName { get; }
        Stream CreateCompressionStream(Stream stream, CompressionLevel? compressionLevel);
        Stream CreateDecompressionStream(Stream stream);
    }
}
