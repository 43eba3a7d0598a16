using System;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;
using System.IO;

namespace AutoDiffGen.Data;

/// <summary>
/// The paths of the four files of an MNIST-style data set (MNIST, Fashion-MNIST) in one directory, each either
/// under its canonical name or with a <c>.gz</c> suffix.
/// </summary>
public sealed class MnistFiles
{
    /// <summary>The canonical name of the training images file.</summary>
    public const string TrainImagesName = "train-images-idx3-ubyte";

    /// <summary>The canonical name of the training labels file.</summary>
    public const string TrainLabelsName = "train-labels-idx1-ubyte";

    /// <summary>The canonical name of the test images file.</summary>
    public const string TestImagesName = "t10k-images-idx3-ubyte";

    /// <summary>The canonical name of the test labels file.</summary>
    public const string TestLabelsName = "t10k-labels-idx1-ubyte";

    /// <summary>The suffix of the gzip-compressed variants, as distributed.</summary>
    public const string GzipSuffix = ".gz";

    /// <summary>The four canonical names, in the order training images, training labels, test images, test labels.</summary>
    public static IReadOnlyList<string> Names { get; } = Array.AsReadOnly([TrainImagesName, TrainLabelsName, TestImagesName, TestLabelsName]);

    private MnistFiles(string directory, string[] paths)
    {
        Directory = directory;
        TrainImages = paths[0];
        TrainLabels = paths[1];
        TestImages = paths[2];
        TestLabels = paths[3];
    }

    /// <summary>The directory that holds the files.</summary>
    public string Directory { get; }

    /// <summary>The path of the training images (raw or gzip).</summary>
    public string TrainImages { get; }

    /// <summary>The path of the training labels (raw or gzip).</summary>
    public string TrainLabels { get; }

    /// <summary>The path of the test images (raw or gzip).</summary>
    public string TestImages { get; }

    /// <summary>The path of the test labels (raw or gzip).</summary>
    public string TestLabels { get; }

    /// <summary>The path of the file whose canonical name is <paramref name="name"/>, one of <see cref="Names"/>.</summary>
    /// <param name="name">A canonical file name such as <see cref="TrainImagesName"/>.</param>
    /// <returns>The path found for it.</returns>
    public string GetPath(string name) => name switch
    {
        TrainImagesName => TrainImages,
        TrainLabelsName => TrainLabels,
        TestImagesName => TestImages,
        TestLabelsName => TestLabels,
        _ => throw new ArgumentException($"'{name}' is not one of the MNIST file names ({string.Join(", ", Names)}).", nameof(name)),
    };

    /// <summary>
    /// Looks for the four files in <paramref name="directory"/>, preferring the uncompressed name when both exist.
    /// </summary>
    /// <param name="directory">The directory to look in.</param>
    /// <param name="files">The paths, when all four were found.</param>
    /// <param name="problem">Otherwise, which files are missing (or that the directory does not exist).</param>
    /// <returns>Whether all four files were found.</returns>
    public static bool TryFind(string directory, [NotNullWhen(true)] out MnistFiles? files, [NotNullWhen(false)] out string? problem)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        files = null;
        if (!System.IO.Directory.Exists(directory))
        {
            problem = $"the directory '{directory}' does not exist";
            return false;
        }

        var paths = new string[Names.Count];
        var missing = new List<string>();
        for (int i = 0; i < Names.Count; i++)
        {
            string raw = Path.Combine(directory, Names[i]);
            string gzip = raw + GzipSuffix;
            if (File.Exists(raw))
            {
                paths[i] = raw;
            }
            else if (File.Exists(gzip))
            {
                paths[i] = gzip;
            }
            else
            {
                missing.Add($"{Names[i]}[{GzipSuffix}]");
            }
        }

        if (missing.Count > 0)
        {
            problem = $"the directory '{directory}' lacks {string.Join(", ", missing)}";
            return false;
        }
        files = new MnistFiles(directory, paths);
        problem = null;
        return true;
    }

    /// <summary>Finds the four files in <paramref name="directory"/> or throws saying which are missing.</summary>
    /// <param name="directory">The directory to look in.</param>
    /// <returns>The paths of the four files.</returns>
    /// <exception cref="FileNotFoundException">The directory does not exist or lacks some of the files.</exception>
    public static MnistFiles Find(string directory)
    {
        if (!TryFind(directory, out MnistFiles? files, out string? problem))
        {
            throw new FileNotFoundException(
                $"Cannot load an MNIST-style data set: {problem}. Expected the four files {string.Join(", ", Names)}, " +
                $"each uncompressed or with a {GzipSuffix} suffix.");
        }
        return files;
    }
}
