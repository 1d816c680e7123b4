namespace WorldStream.Core
{
    /// <summary>
    /// Where decoded tiles go to be drawn. An implementation must sort the splats of all its
    /// tiles together: tiles overlap at their borders, and a new level fades in over the old one
    /// of its cell (both held, the old one removed when the fade ends). The Runtime assembly's
    /// WorldStream.Rendering.PooledSplatRenderer does: one GPU pool for every tile
    /// (<see cref="PooledTiles"/>, <see cref="SplatPool"/>), one sort of all of it per camera per
    /// frame, whose CPU reference is <see cref="GlobalSplatOrder"/>. The other implementations
    /// do not: GsplatTileRenderer (optional, with gsplat-unity installed) sorts each tile alone,
    /// as every released gsplat does, and PointPreviewRenderer draws unsorted points. Called on
    /// the main thread only.
    /// </summary>
    public interface ISplatRenderer
    {
        /// <summary>Uploads a tile under a new id; it is drawn at opacity multiplier <paramref name="alpha"/>.</summary>
        void AddTile(int id, DecodedTile tile, float alpha);

        /// <summary>Scales the tile's opacity by <paramref name="alpha"/> in [0, 1] (fade-in).</summary>
        void SetTileAlpha(int id, float alpha);

        /// <summary>Frees the tile's data.</summary>
        void RemoveTile(int id);
    }
}
