namespace AutoDiffGen.Data;

/// <summary>A set of equally sized greyscale images read from a 3-D unsigned-byte IDX file.</summary>
public sealed class IdxImages
{
    internal IdxImages(int count, int rows, int columns, byte[] pixels)
    {
        Count = count;
        Rows = rows;
        Columns = columns;
        Pixels = pixels;
    }

    /// <summary>The number of images.</summary>
    public int Count { get; }

    /// <summary>The height of every image in pixels.</summary>
    public int Rows { get; }

    /// <summary>The width of every image in pixels.</summary>
    public int Columns { get; }

    /// <summary>The number of pixels in one image (<see cref="Rows"/> × <see cref="Columns"/>).</summary>
    public int PixelsPerImage => Rows * Columns;

    /// <summary>
    /// All pixels, image after image, each image row by row; 0 is background and 255 full ink in MNIST.
    /// Its length is <see cref="Count"/> × <see cref="PixelsPerImage"/>.
    /// </summary>
    public byte[] Pixels { get; }
}
