using System;
using System.Buffers;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.IO;
using System.Security.Cryptography;

namespace AutoDiffGen.Data;

/// <summary>The SHA-256 sums of the original MNIST files, and helpers to check files against them.</summary>
public static class MnistChecksums
{
    // These are the standard SHA-256 sums of the four uncompressed MNIST files (LeCun, Cortes and Burges), the
    // ones commonly published for the original distribution. Every source the locator uses (a user's directory,
    // the cache, a download, the npm package) is checked against them, so the program trains on the real data
    // whatever mirror or package it came from. They are sums of the decompressed bytes, so .gz files of any
    // compression level match too.

    /// <summary>The SHA-256 of the uncompressed <c>train-images-idx3-ubyte</c>.</summary>
    public const string TrainImagesSha256 = "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db";

    /// <summary>The SHA-256 of the uncompressed <c>train-labels-idx1-ubyte</c>.</summary>
    public const string TrainLabelsSha256 = "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5";

    /// <summary>The SHA-256 of the uncompressed <c>t10k-images-idx3-ubyte</c>.</summary>
    public const string TestImagesSha256 = "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7";

    /// <summary>The SHA-256 of the uncompressed <c>t10k-labels-idx1-ubyte</c>.</summary>
    public const string TestLabelsSha256 = "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2";

    /// <summary>The four sums keyed by canonical file name (see <see cref="MnistFiles.Names"/>).</summary>
    public static IReadOnlyDictionary<string, string> Reference { get; } = new ReadOnlyDictionary<string, string>(
        new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [MnistFiles.TrainImagesName] = TrainImagesSha256,
            [MnistFiles.TrainLabelsName] = TrainLabelsSha256,
            [MnistFiles.TestImagesName] = TestImagesSha256,
            [MnistFiles.TestLabelsName] = TestLabelsSha256,
        });

    /// <summary>The SHA-256 of a file's content, decompressed first if the file is gzip.</summary>
    /// <param name="path">The file to hash.</param>
    /// <returns>The sum as lowercase hex.</returns>
    public static string ComputeSha256(string path)
    {
        using Stream stream = CompressedFile.OpenRead(path, out _);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    /// <summary>Checks each of the four files against its expected sum.</summary>
    /// <param name="files">The files to check.</param>
    /// <param name="expectedSha256">The expected sums keyed by canonical file name, such as <see cref="Reference"/>.</param>
    /// <exception cref="InvalidDataException">
    /// A file's sum differs; the message names the first such file and gives both sums.
    /// </exception>
    /// <exception cref="ArgumentException"><paramref name="expectedSha256"/> lacks one of the four names.</exception>
    public static void Verify(MnistFiles files, IReadOnlyDictionary<string, string> expectedSha256)
    {
        ArgumentNullException.ThrowIfNull(files);
        foreach (string name in MnistFiles.Names)
        {
            string path = files.GetPath(name);
            Check(path, name, ComputeSha256(path), expectedSha256);
        }
    }

    /// <summary>Compares an already computed sum with the expected one for <paramref name="name"/>.</summary>
    internal static void Check(string path, string name, string actualSha256, IReadOnlyDictionary<string, string> expectedSha256)
    {
        if (!expectedSha256.TryGetValue(name, out string? expected))
        {
            throw new ArgumentException($"No expected SHA-256 was given for {name}.", nameof(expectedSha256));
        }
        if (!string.Equals(expected, actualSha256, StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidDataException(
                $"The SHA-256 of '{path}' (as {name}, after decompression) is {actualSha256}, but the known sum of " +
                $"{name} is {expected.ToLowerInvariant()}; the file is damaged or is not the expected data.");
        }
    }

    /// <summary>
    /// Copies <paramref name="sourcePath"/> to <paramref name="destinationPath"/>, decompressing it if it is gzip,
    /// and returns the SHA-256 of what was written, so installing a file costs one pass instead of two.
    /// </summary>
    internal static string CopyDecompressedAndHash(string sourcePath, string destinationPath)
    {
        using Stream source = CompressedFile.OpenRead(sourcePath, out _);
        using var destination = new FileStream(destinationPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1 << 16);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        byte[] buffer = ArrayPool<byte>.Shared.Rent(1 << 20);
        try
        {
            int read;
            while ((read = source.Read(buffer, 0, buffer.Length)) > 0)
            {
                hash.AppendData(buffer, 0, read);
                destination.Write(buffer, 0, read);
            }
            // Flushed to the disk before the caller renames it into place, so a crash after the rename cannot
            // leave the final name pointing at data that never reached the disk.
            destination.Flush(flushToDisk: true);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
