namespace WorldStream.Core
{
    /// <summary>A tile the client holds: its key (with the level), version and size.</summary>
    public sealed class ResidentTile
    {
        public ResidentTile(TileKey key, long version, long splatCount)
        {
            Key = key;
            Version = version;
            SplatCount = splatCount;
        }

        public TileKey Key { get; }

        public long Version { get; }

        public long SplatCount { get; }

        public override string ToString() => Key + " v" + Version + ", " + SplatCount + " splats";
    }

    /// <summary>What a commit did to the residency.</summary>
    public sealed class ResidencyChange
    {
        public ResidencyChange(ResidentTile added, ResidentTile replaced, long overBudgetBy)
        {
            Added = added;
            Replaced = replaced;
            OverBudgetBy = overBudgetBy;
        }

        public ResidentTile Added { get; }

        /// <summary>The tile that held the same cell before (another level or version), or null.</summary>
        public ResidentTile Replaced { get; }

        /// <summary>Splats above the budget after this commit; 0 when within it.</summary>
        public long OverBudgetBy { get; }
    }
}
