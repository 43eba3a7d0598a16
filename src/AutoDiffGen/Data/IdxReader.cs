using System;
using System.Buffers.Binary;
using System.IO;
using System.Linq;

namespace AutoDiffGen.Data;

/// <summary>
/// Reads IDX files, the format of the MNIST and Fashion-MNIST data sets, raw or gzip-compressed.
/// </summary>
/// <remarks>
/// An IDX file starts with a big-endian magic number <c>0x0000TTNN</c>: two zero bytes, a type byte
/// (<c>0x08</c> for unsigned bytes) and the number of dimensions <c>NN</c>. Then come <c>NN</c> big-endian
/// 32-bit dimension sizes and the data, row-major, with nothing after it. Only unsigned-byte data is supported,
/// which is all that MNIST-style data sets use. Gzip is recognised by its signature, not by the file name.
/// Every format error is an <see cref="InvalidDataException"/> whose message names the file, what was expected
/// and what was found.
/// </remarks>
public static class IdxReader
{
    /// <summary>The IDX type byte for unsigned 8-bit data, the only element type this reader accepts.</summary>
    public const byte UnsignedByteType = 0x08;

    /// <summary>The magic number of a 3-D unsigned-byte IDX file, such as a set of MNIST images.</summary>
    public const int ImagesMagic = 0x00000803;

    /// <summary>The magic number of a 1-D unsigned-byte IDX file, such as a set of MNIST labels.</summary>
    public const int LabelsMagic = 0x00000801;

    // The format allows up to 255 dimensions, but real data sets use one to four; a larger count almost
    // certainly means the file is not IDX at all, and refusing it early gives a clearer message.
    private const int MaxDimensions = 16;

    // Gzip gives no trustworthy uncompressed length up front, so a corrupt header could claim gigabytes.
    // Growing the buffer from this size as data actually arrives keeps such a file from allocating them.
    private const int InitialGzipBufferSize = 1 << 20;

    /// <summary>Reads an unsigned-byte IDX file of any rank.</summary>
    /// <param name="path">The file, raw or gzip-compressed.</param>
    /// <returns>The dimension sizes and the data.</returns>
    /// <exception cref="InvalidDataException">The file is not a well-formed unsigned-byte IDX file.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public static IdxArray Read(string path) => Read(path, expectedRank: null);

    /// <summary>Reads a 3-D unsigned-byte IDX file as a set of images (count × rows × columns).</summary>
    /// <param name="path">The file, raw or gzip-compressed, for example <c>train-images-idx3-ubyte</c>.</param>
    /// <returns>The image count, the image size and the pixels.</returns>
    /// <exception cref="InvalidDataException">The file is not a well-formed 3-D unsigned-byte IDX file.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public static IdxImages ReadImages(string path)
    {
        IdxArray array = Read(path, expectedRank: 3);
        return new IdxImages(array.Dimensions[0], array.Dimensions[1], array.Dimensions[2], array.Data);
    }

    /// <summary>Reads a 1-D unsigned-byte IDX file as a list of labels.</summary>
    /// <param name="path">The file, raw or gzip-compressed, for example <c>train-labels-idx1-ubyte</c>.</param>
    /// <returns>One byte per label. The range is not checked here; <see cref="MnistDataset"/> checks 0–9.</returns>
    /// <exception cref="InvalidDataException">The file is not a well-formed 1-D unsigned-byte IDX file.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public static byte[] ReadLabels(string path) => Read(path, expectedRank: 1).Data;

    private static IdxArray Read(string path, int? expectedRank)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using Stream stream = CompressedFile.OpenRead(path, out bool isGzip);
        // A raw file's length is known before any data is read, so truncation is reported without allocating.
        long? fileLength = isGzip ? null : stream.Length;
        int[] dimensions = ReadHeader(stream, path, expectedRank);
        long dataLength = DataLength(dimensions, path);
        int headerLength = HeaderLength(dimensions.Length);
        byte[] data = fileLength is long length
            ? ReadRawData(stream, path, dimensions, headerLength, dataLength, length)
            : ReadGzipData(stream, path, dimensions, dataLength);
        return new IdxArray(dimensions, data);
    }

    /// <summary>
    /// Reads until <paramref name="buffer"/> is full or the stream ends, and returns how many bytes were read.
    /// All reads go through here so that a corrupt gzip stream is reported with the file's name, which the
    /// decoder's own message lacks.
    /// </summary>
    private static int ReadFully(Stream stream, Span<byte> buffer, string path)
    {
        try
        {
            return stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"Invalid IDX file '{path}': the gzip-compressed data is corrupt ({e.Message})", e);
        }
    }

    private static InvalidDataException Invalid(string path, string problem) =>
        new($"Invalid IDX file '{path}': {problem}");

    private static int HeaderLength(int rank) => 4 + (4 * rank);

    private static int[] ReadHeader(Stream stream, string path, int? expectedRank)
    {
        Span<byte> magic = stackalloc byte[4];
        int read = ReadFully(stream, magic, path);
        if (read < magic.Length)
        {
            throw Invalid(path,
                $"the header is truncated: expected at least 4 bytes (the magic number), found {read}.");
        }

        int magicNumber = BinaryPrimitives.ReadInt32BigEndian(magic);
        string expectedMagic = expectedRank is int rank ? $"0x0000{UnsignedByteType:X2}{rank:X2}" : $"0x0000{UnsignedByteType:X2}NN";
        if (magic[0] != 0 || magic[1] != 0)
        {
            throw Invalid(path,
                $"expected the magic number {expectedMagic} (two zero bytes, type byte 0x08, dimension count), " +
                $"found 0x{magicNumber:X8}; this is not an IDX file.");
        }
        if (magic[2] != UnsignedByteType)
        {
            throw Invalid(path,
                $"expected element type byte 0x{UnsignedByteType:X2} (unsigned byte) in the magic number {expectedMagic}, " +
                $"found type byte 0x{magic[2]:X2} ({TypeName(magic[2])}) in 0x{magicNumber:X8}; only unsigned-byte data is supported.");
        }

        int dimensionCount = magic[3];
        if (expectedRank is int required && dimensionCount != required)
        {
            throw Invalid(path,
                $"expected the magic number {expectedMagic} ({required}-dimensional data), found 0x{magicNumber:X8} " +
                $"({dimensionCount}-dimensional data); is this the right file?");
        }
        if (dimensionCount is 0 or > MaxDimensions)
        {
            throw Invalid(path,
                $"expected between 1 and {MaxDimensions} dimensions, found {dimensionCount} in the magic number 0x{magicNumber:X8}.");
        }

        Span<byte> sizes = stackalloc byte[4 * MaxDimensions];
        sizes = sizes[..(4 * dimensionCount)];
        read = ReadFully(stream, sizes, path);
        if (read < sizes.Length)
        {
            throw Invalid(path,
                $"the header is truncated: expected {HeaderLength(dimensionCount)} header bytes " +
                $"(the magic number and {dimensionCount} dimension sizes), found {magic.Length + read}.");
        }

        var dimensions = new int[dimensionCount];
        for (int i = 0; i < dimensionCount; i++)
        {
            dimensions[i] = BinaryPrimitives.ReadInt32BigEndian(sizes[(4 * i)..]);
            if (dimensions[i] < 0)
            {
                throw Invalid(path,
                    $"expected non-negative dimension sizes, found size {dimensions[i]} for dimension {i} of {dimensionCount}.");
            }
        }
        return dimensions;
    }

    private static long DataLength(int[] dimensions, string path)
    {
        if (dimensions.Contains(0))
        {
            return 0;
        }

        // Each factor is below 2^31 and the running product is capped below 2^31 too, so no step overflows a long.
        long product = 1;
        foreach (int size in dimensions)
        {
            product *= size;
            if (product > Array.MaxLength)
            {
                throw Invalid(path,
                    $"the dimension sizes {Shape(dimensions)} describe more than {Array.MaxLength} bytes, " +
                    "which is more than one array can hold; the header is probably corrupt.");
            }
        }
        return product;
    }

    private static byte[] ReadRawData(Stream stream, string path, int[] dimensions, int headerLength, long dataLength, long fileLength)
    {
        long expectedFileLength = headerLength + dataLength;
        if (fileLength < expectedFileLength)
        {
            throw Invalid(path,
                $"the data is truncated: the sizes {Shape(dimensions)} call for {dataLength} data bytes " +
                $"({expectedFileLength} bytes with the header), found {fileLength - headerLength} data bytes " +
                $"({fileLength} bytes in the file).");
        }
        if (fileLength > expectedFileLength)
        {
            throw Invalid(path,
                $"expected the file to end after {dataLength} data bytes (sizes {Shape(dimensions)}, " +
                $"{expectedFileLength} bytes with the header), found {fileLength - expectedFileLength} trailing bytes " +
                $"({fileLength} bytes in the file).");
        }

        var data = new byte[dataLength];
        int read = ReadFully(stream, data, path);
        if (read < data.Length)
        {
            // Only possible if the file shrank while being read.
            throw Invalid(path,
                $"the data is truncated: expected {dataLength} data bytes, found {read}.");
        }
        return data;
    }

    private static byte[] ReadGzipData(Stream stream, string path, int[] dimensions, long dataLength)
    {
        var data = new byte[Math.Min(dataLength, InitialGzipBufferSize)];
        int filled = 0;
        while (true)
        {
            filled += ReadFully(stream, data.AsSpan(filled), path);
            if (filled < data.Length || data.Length == dataLength)
            {
                break;
            }
            Array.Resize(ref data, (int)Math.Min(dataLength, 2L * data.Length));
        }

        if (filled < dataLength)
        {
            throw Invalid(path,
                $"the data is truncated: the sizes {Shape(dimensions)} call for {dataLength} data bytes, " +
                $"found {filled} data bytes after decompression.");
        }

        long trailing = CountRemainingBytes(stream, path);
        if (trailing > 0)
        {
            throw Invalid(path,
                $"expected the data to end after {dataLength} data bytes (sizes {Shape(dimensions)}), " +
                $"found {trailing} trailing bytes after decompression.");
        }
        return data;
    }

    private static long CountRemainingBytes(Stream stream, string path)
    {
        Span<byte> scratch = stackalloc byte[4096];
        long total = 0;
        int read;
        while ((read = ReadFully(stream, scratch, path)) > 0)
        {
            total += read;
        }
        return total;
    }

    private static string Shape(int[] dimensions) => string.Join("×", dimensions);

    private static string TypeName(byte type) => type switch
    {
        0x08 => "unsigned byte",
        0x09 => "signed byte",
        0x0B => "16-bit integer",
        0x0C => "32-bit integer",
        0x0D => "32-bit float",
        0x0E => "64-bit float",
        _ => "not an IDX type",
    };
}
