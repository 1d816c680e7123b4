namespace WorldStream.Core
{
    /// <summary>
    /// Where decoded tiles go to be drawn. An implementation must sort the splats of all its
    /// tiles together (tiles overlap at their borders and while one fades in over another);
    /// gsplat-unity's integration and a point preview implement it in the Runtime assembly.
    /// Called on the main thread only.
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
