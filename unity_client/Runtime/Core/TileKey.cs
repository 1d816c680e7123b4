using System;

namespace WorldStream.Core
{
    /// <summary>A cell of the world grid: the tile spans [x, x+1) * tile size on each axis.</summary>
    public struct CellKey : IEquatable<CellKey>
    {
        public readonly int X;
        public readonly int Y;
        public readonly int Z;

        public CellKey(int x, int y, int z)
        {
            X = x;
            Y = y;
            Z = z;
        }

        public bool Equals(CellKey other) => X == other.X && Y == other.Y && Z == other.Z;

        public override bool Equals(object obj) => obj is CellKey other && Equals(other);

        public override int GetHashCode()
        {
            unchecked
            {
                return ((X * 73856093) ^ (Y * 19349663)) ^ (Z * 83492791);
            }
        }

        public override string ToString() => "(" + X + ", " + Y + ", " + Z + ")";
    }

    /// <summary>
    /// A tile: a cell at one level of detail (0 is the finest), as the proto's TileKey. A client
    /// holds at most one level per cell.
    /// </summary>
    public struct TileKey : IEquatable<TileKey>, IComparable<TileKey>
    {
        public readonly int X;
        public readonly int Y;
        public readonly int Z;
        public readonly int Lod;

        public TileKey(int x, int y, int z, int lod)
        {
            X = x;
            Y = y;
            Z = z;
            Lod = lod;
        }

        public CellKey Cell => new CellKey(X, Y, Z);

        public bool Equals(TileKey other) =>
            X == other.X && Y == other.Y && Z == other.Z && Lod == other.Lod;

        public override bool Equals(object obj) => obj is TileKey other && Equals(other);

        public override int GetHashCode()
        {
            unchecked
            {
                return Cell.GetHashCode() * 31 + Lod;
            }
        }

        public int CompareTo(TileKey other)
        {
            if (X != other.X) return X.CompareTo(other.X);
            if (Y != other.Y) return Y.CompareTo(other.Y);
            if (Z != other.Z) return Z.CompareTo(other.Z);
            return Lod.CompareTo(other.Lod);
        }

        public static bool operator ==(TileKey a, TileKey b) => a.Equals(b);

        public static bool operator !=(TileKey a, TileKey b) => !a.Equals(b);

        public override string ToString() => "(" + X + ", " + Y + ", " + Z + " @ lod " + Lod + ")";
    }
}
