using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using AutoDiffGen.Data;

namespace AutoDiffGen.Tests.Data;

/// <summary>A temporary directory that the tests write small data files into; deleted on dispose.</summary>
public sealed class TempDirectory : IDisposable
{
    /// <summary>Creates an empty, uniquely named directory under the system temporary folder.</summary>
    public TempDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "autodiffgen-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    /// <summary>The directory's full path.</summary>
    public string Path { get; }

    /// <summary>Writes <paramref name="bytes"/> to <paramref name="name"/> in this directory and returns its path.</summary>
    public string Write(string name, byte[] bytes)
    {
        string path = System.IO.Path.Combine(Path, name);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    /// <summary>A path inside this directory (a subdirectory or file that may not exist yet).</summary>
    public string Combine(string name) => System.IO.Path.Combine(Path, name);

    /// <inheritdoc/>
    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A file still open in a failed test must not turn the failure into a different one.
        }
    }
}

/// <summary>Builds IDX files and small synthetic MNIST-style data sets in memory.</summary>
public static class DataTestFiles
{
    /// <summary>An IDX file: the magic number, the big-endian sizes, then <paramref name="data"/> as given.</summary>
    public static byte[] Idx(int magic, int[] sizes, byte[] data)
    {
        var bytes = new byte[4 + (4 * sizes.Length) + data.Length];
        BinaryPrimitives.WriteInt32BigEndian(bytes, magic);
        for (int i = 0; i < sizes.Length; i++)
        {
            BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4 + (4 * i)), sizes[i]);
        }
        data.CopyTo(bytes, 4 + (4 * sizes.Length));
        return bytes;
    }

    /// <summary>A well-formed unsigned-byte IDX file of the given shape, holding 0, 1, 2, … (mod 256).</summary>
    public static byte[] UnsignedByteIdx(params int[] sizes)
    {
        int length = 1;
        foreach (int size in sizes)
        {
            length *= size;
        }
        return Idx(0x0800 | sizes.Length, sizes, Sequence(length));
    }

    /// <summary>The bytes 0, 1, 2, … wrapping at 256.</summary>
    public static byte[] Sequence(int length)
    {
        var data = new byte[length];
        for (int i = 0; i < length; i++)
        {
            data[i] = (byte)i;
        }
        return data;
    }

    /// <summary><paramref name="bytes"/> compressed with gzip.</summary>
    public static byte[] Gzip(byte[] bytes)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest))
        {
            gzip.Write(bytes);
        }
        return output.ToArray();
    }

    /// <summary>The pixel value of pixel <paramref name="pixel"/> in synthetic image <paramref name="image"/>.</summary>
    public static byte Pixel(int image, int pixel) => (byte)((image * 31 + pixel * 7) % 256);

    /// <summary>The label of synthetic image <paramref name="image"/>.</summary>
    public static byte Label(int image) => (byte)((image * 3) % 10);

    /// <summary>Synthetic 28×28 images: image i, pixel p has value <see cref="Pixel"/>(i, p).</summary>
    public static byte[] Images(int count, int rows = 28, int columns = 28)
    {
        var pixels = new byte[count * rows * columns];
        for (int i = 0; i < count; i++)
        {
            for (int p = 0; p < rows * columns; p++)
            {
                pixels[(i * rows * columns) + p] = Pixel(i, p);
            }
        }
        return Idx(IdxReader.ImagesMagic, [count, rows, columns], pixels);
    }

    /// <summary>Synthetic labels: image i has label <see cref="Label"/>(i).</summary>
    public static byte[] Labels(int count)
    {
        var labels = new byte[count];
        for (int i = 0; i < count; i++)
        {
            labels[i] = Label(i);
        }
        return Idx(IdxReader.LabelsMagic, [count], labels);
    }

    /// <summary>
    /// Writes a small synthetic MNIST-style data set (the four files under their canonical names, with a .gz
    /// suffix when <paramref name="gzip"/>) into <paramref name="directory"/>.
    /// </summary>
    public static void WriteMnist(string directory, int trainCount = 5, int testCount = 3, bool gzip = false)
    {
        Directory.CreateDirectory(directory);
        foreach ((string name, byte[] bytes) in SyntheticFiles(trainCount, testCount))
        {
            string path = Path.Combine(directory, gzip ? name + ".gz" : name);
            File.WriteAllBytes(path, gzip ? Gzip(bytes) : bytes);
        }
    }

    /// <summary>The uncompressed bytes of the four synthetic files, by canonical name.</summary>
    public static Dictionary<string, byte[]> SyntheticFiles(int trainCount = 5, int testCount = 3) => new()
    {
        [MnistFiles.TrainImagesName] = Images(trainCount),
        [MnistFiles.TrainLabelsName] = Labels(trainCount),
        [MnistFiles.TestImagesName] = Images(testCount),
        [MnistFiles.TestLabelsName] = Labels(testCount),
    };

    /// <summary>The SHA-256 sums of <see cref="SyntheticFiles"/>, to stand in for the real MNIST sums.</summary>
    public static Dictionary<string, string> SyntheticSums(int trainCount = 5, int testCount = 3)
    {
        var sums = new Dictionary<string, string>();
        foreach ((string name, byte[] bytes) in SyntheticFiles(trainCount, testCount))
        {
            sums[name] = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes));
        }
        return sums;
    }
}
