using System;
using System.Numerics;
using System.Runtime.InteropServices;

namespace AutoDiffGen.Data;

/// <summary>
/// One part of an MNIST-style data set (training or test): 28×28 greyscale images as bytes and their labels 0–9,
/// with allocation-free copies of batches into caller-provided buffers.
/// </summary>
public sealed class MnistSplit
{
    /// <summary>The height of every image in pixels.</summary>
    public const int ImageRows = 28;

    /// <summary>The width of every image in pixels.</summary>
    public const int ImageColumns = 28;

    /// <summary>The number of pixels in one image (784).</summary>
    public const int PixelsPerImage = ImageRows * ImageColumns;

    /// <summary>The number of classes; every label is below this.</summary>
    public const int ClassCount = 10;

    // Lookup tables turn a pixel into its value with one load and no division per pixel. Building them by
    // division (i / 255f) rather than by multiplying with 1/255 makes 255 map to exactly 1.
    private static readonly float[] s_scaledSingle = BuildTable(i => i / 255f);
    private static readonly double[] s_scaledDouble = BuildTable(i => i / 255.0);
    private static readonly float[] s_rawSingle = BuildTable(i => (float)i);

    private readonly byte[] _pixels;
    private readonly byte[] _labels;

    internal MnistSplit(string name, byte[] pixels, byte[] labels)
    {
        Name = name;
        _pixels = pixels;
        _labels = labels;
    }

    /// <summary>Which part of the data set this is ("train" or "test"), for messages.</summary>
    public string Name { get; }

    /// <summary>The number of images, which equals the number of labels.</summary>
    public int Count => _labels.Length;

    /// <summary>All pixels, image after image, each row by row; 0 is background, 255 full ink.</summary>
    public ReadOnlySpan<byte> Pixels => _pixels;

    /// <summary>The label (0–9) of every image, in image order.</summary>
    public ReadOnlySpan<byte> Labels => _labels;

    /// <summary>The <see cref="PixelsPerImage"/> pixels of image <paramref name="index"/>, row by row.</summary>
    /// <param name="index">The image, from 0 to <see cref="Count"/> − 1.</param>
    /// <returns>A view of the pixels, not a copy.</returns>
    public ReadOnlySpan<byte> GetImage(int index)
    {
        CheckIndex(index);
        return _pixels.AsSpan(index * PixelsPerImage, PixelsPerImage);
    }

    /// <summary>The label (0–9) of image <paramref name="index"/>.</summary>
    /// <param name="index">The image, from 0 to <see cref="Count"/> − 1.</param>
    /// <returns>The digit (or Fashion-MNIST class) the image shows.</returns>
    public int GetLabel(int index)
    {
        CheckIndex(index);
        return _labels[index];
    }

    /// <summary>
    /// Copies images <paramref name="first"/> … <paramref name="first"/> + <paramref name="count"/> − 1 into
    /// <paramref name="destination"/>, each pixel scaled to [0, 1] (pixel / 255). Allocates nothing.
    /// </summary>
    /// <param name="first">The first image to copy.</param>
    /// <param name="count">How many consecutive images to copy.</param>
    /// <param name="destination">
    /// Receives <paramref name="count"/> × <see cref="PixelsPerImage"/> values, image after image; any further
    /// elements are left alone, so one buffer can serve a shorter last batch.
    /// </param>
    public void CopyScaledImages(int first, int count, Span<float> destination) => CopyRange(first, count, destination, s_scaledSingle);

    /// <summary>
    /// Copies consecutive images into <paramref name="destination"/> scaled to [0, 1], as doubles.
    /// Allocates nothing.
    /// </summary>
    /// <param name="first">The first image to copy.</param>
    /// <param name="count">How many consecutive images to copy.</param>
    /// <param name="destination">Receives <paramref name="count"/> × <see cref="PixelsPerImage"/> values.</param>
    public void CopyScaledImages(int first, int count, Span<double> destination) => CopyRange(first, count, destination, s_scaledDouble);

    /// <summary>
    /// Copies the images listed in <paramref name="indices"/> (for example a shuffled mini-batch) into
    /// <paramref name="destination"/>, scaled to [0, 1]. Allocates nothing.
    /// </summary>
    /// <param name="indices">The images to copy, in the order they should appear.</param>
    /// <param name="destination">Receives <paramref name="indices"/>.Length × <see cref="PixelsPerImage"/> values.</param>
    public void CopyScaledImages(ReadOnlySpan<int> indices, Span<float> destination) => CopySelected(indices, destination, s_scaledSingle);

    /// <summary>
    /// Copies the images listed in <paramref name="indices"/> into <paramref name="destination"/>, scaled to
    /// [0, 1], as doubles. Allocates nothing.
    /// </summary>
    /// <param name="indices">The images to copy, in the order they should appear.</param>
    /// <param name="destination">Receives <paramref name="indices"/>.Length × <see cref="PixelsPerImage"/> values.</param>
    public void CopyScaledImages(ReadOnlySpan<int> indices, Span<double> destination) => CopySelected(indices, destination, s_scaledDouble);

    /// <summary>
    /// Copies consecutive images into <paramref name="destination"/> unscaled, as the pixel values 0–255.
    /// Allocates nothing.
    /// </summary>
    /// <param name="first">The first image to copy.</param>
    /// <param name="count">How many consecutive images to copy.</param>
    /// <param name="destination">Receives <paramref name="count"/> × <see cref="PixelsPerImage"/> values.</param>
    public void CopyRawImages(int first, int count, Span<float> destination) => CopyRange(first, count, destination, s_rawSingle);

    /// <summary>
    /// Copies the images listed in <paramref name="indices"/> into <paramref name="destination"/> unscaled,
    /// as the pixel values 0–255. Allocates nothing.
    /// </summary>
    /// <param name="indices">The images to copy, in the order they should appear.</param>
    /// <param name="destination">Receives <paramref name="indices"/>.Length × <see cref="PixelsPerImage"/> values.</param>
    public void CopyRawImages(ReadOnlySpan<int> indices, Span<float> destination) => CopySelected(indices, destination, s_rawSingle);

    /// <summary>Copies the labels of the images listed in <paramref name="indices"/>. Allocates nothing.</summary>
    /// <param name="indices">The images whose labels to copy, in the order they should appear.</param>
    /// <param name="destination">Receives <paramref name="indices"/>.Length labels.</param>
    public void CopyLabels(ReadOnlySpan<int> indices, Span<int> destination)
    {
        CheckDestination(indices.Length, destination.Length, valuesPerItem: 1);
        for (int i = 0; i < indices.Length; i++)
        {
            CheckIndex(indices[i], nameof(indices));
            destination[i] = _labels[indices[i]];
        }
    }

    private void CopyRange<T>(int first, int count, Span<T> destination, T[] table)
        where T : unmanaged
    {
        ArgumentOutOfRangeException.ThrowIfNegative(first);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (first > Count - count)
        {
            throw new ArgumentOutOfRangeException(nameof(count),
                $"Images {first} to {first + count - 1} were asked for, but the {Name} set has {Count} images (0 to {Count - 1}).");
        }
        CheckDestination(count, destination.Length, PixelsPerImage);
        Map(_pixels.AsSpan(first * PixelsPerImage, count * PixelsPerImage), destination, table);
    }

    private void CopySelected<T>(ReadOnlySpan<int> indices, Span<T> destination, T[] table)
        where T : unmanaged
    {
        CheckDestination(indices.Length, destination.Length, PixelsPerImage);
        for (int i = 0; i < indices.Length; i++)
        {
            CheckIndex(indices[i], nameof(indices));
            Map(_pixels.AsSpan(indices[i] * PixelsPerImage, PixelsPerImage), destination.Slice(i * PixelsPerImage, PixelsPerImage), table);
        }
    }

    private static void Map<T>(ReadOnlySpan<byte> source, Span<T> destination, T[] table)
        where T : unmanaged
    {
        // Slicing once up front lets the JIT drop the bounds checks on destination inside the loop.
        destination = destination[..source.Length];
        int done = 0;
        if (typeof(T) == typeof(float))
        {
            // A batch is 100,000 pixels: converting a vector of them at a time takes a tenth of the table's time.
            float divisor = ReferenceEquals(table, s_scaledSingle) ? 255f : 1f;
            done = ConvertVectors(source, MemoryMarshal.Cast<T, float>(destination), divisor);
        }
        for (int i = done; i < source.Length; i++)
        {
            destination[i] = table[source[i]];
        }
    }

    /// <summary>
    /// Writes (float)pixel / <paramref name="divisor"/> for the whole vectors of <paramref name="source"/>; returns how
    /// many pixels it did. Each value is the one the tables hold: the same conversion and the same rounded division.
    /// </summary>
    private static int ConvertVectors(ReadOnlySpan<byte> source, Span<float> destination, float divisor)
    {
        // A vector of bytes widens into four vectors of floats.
        int width = Vector<byte>.Count;
        ReadOnlySpan<Vector<byte>> bytes = MemoryMarshal.Cast<byte, Vector<byte>>(source);
        Span<Vector<float>> floats = MemoryMarshal.Cast<float, Vector<float>>(destination);
        var divisors = new Vector<float>(divisor);
        for (int v = 0; v < bytes.Length; v++)
        {
            Vector.Widen(bytes[v], out Vector<ushort> low, out Vector<ushort> high);
            Vector.Widen(low, out Vector<uint> first, out Vector<uint> second);
            Vector.Widen(high, out Vector<uint> third, out Vector<uint> fourth);
            int at = v * 4;
            floats[at] = Vector.ConvertToSingle(first) / divisors;
            floats[at + 1] = Vector.ConvertToSingle(second) / divisors;
            floats[at + 2] = Vector.ConvertToSingle(third) / divisors;
            floats[at + 3] = Vector.ConvertToSingle(fourth) / divisors;
        }
        return bytes.Length * width;
    }

    private static void CheckDestination(int items, int destinationLength, int valuesPerItem)
    {
        long needed = (long)items * valuesPerItem;
        if (destinationLength < needed)
        {
            throw new ArgumentException(
                $"The destination holds {destinationLength} values, but {items} items of {valuesPerItem} values need {needed}.",
                "destination");
        }
    }

    private void CheckIndex(int index, string parameterName = "index")
    {
        if ((uint)index >= (uint)Count)
        {
            throw new ArgumentOutOfRangeException(parameterName, index,
                $"Image {index} was asked for, but the {Name} set has {Count} images (0 to {Count - 1}).");
        }
    }

    private static T[] BuildTable<T>(Func<int, T> value)
    {
        var table = new T[256];
        for (int i = 0; i < table.Length; i++)
        {
            table[i] = value(i);
        }
        return table;
    }
}
