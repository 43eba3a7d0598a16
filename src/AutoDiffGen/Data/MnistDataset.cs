using System;
using System.IO;

namespace AutoDiffGen.Data;

/// <summary>
/// An MNIST-style data set held in memory: training and test images (28×28 bytes each) with labels 0–9.
/// Loads MNIST and Fashion-MNIST alike, from raw or gzip-compressed IDX files.
/// </summary>
/// <remarks>
/// Loading checks the format, the image size, that each image file has as many images as its label file has
/// labels, and that every label is 0–9. It does not require the real MNIST counts (60,000 and 10,000), so small
/// files made for tests load too, and it does not check checksums: <see cref="MnistLocator"/> does that.
/// </remarks>
public sealed class MnistDataset
{
    private MnistDataset(MnistFiles files, MnistSplit train, MnistSplit test)
    {
        Files = files;
        Train = train;
        Test = test;
    }

    /// <summary>The files the data set was loaded from.</summary>
    public MnistFiles Files { get; }

    /// <summary>The training images and labels (60,000 in MNIST).</summary>
    public MnistSplit Train { get; }

    /// <summary>The test images and labels (10,000 in MNIST).</summary>
    public MnistSplit Test { get; }

    /// <summary>Loads the four files from <paramref name="directory"/>, without checksums.</summary>
    /// <param name="directory">A directory holding the four files, each raw or with a <c>.gz</c> suffix.</param>
    /// <returns>The loaded data set.</returns>
    /// <exception cref="FileNotFoundException">A file is missing.</exception>
    /// <exception cref="InvalidDataException">A file is malformed or the files do not fit together.</exception>
    public static MnistDataset Load(string directory) => Load(MnistFiles.Find(directory));

    /// <summary>Loads the four files at the given paths, without checksums.</summary>
    /// <param name="files">The paths, as found by <see cref="MnistFiles.Find"/> or <see cref="MnistLocator"/>.</param>
    /// <returns>The loaded data set.</returns>
    /// <exception cref="InvalidDataException">A file is malformed or the files do not fit together.</exception>
    public static MnistDataset Load(MnistFiles files)
    {
        ArgumentNullException.ThrowIfNull(files);
        MnistSplit train = LoadSplit("train", files.TrainImages, files.TrainLabels);
        MnistSplit test = LoadSplit("test", files.TestImages, files.TestLabels);
        return new MnistDataset(files, train, test);
    }

    private static MnistSplit LoadSplit(string name, string imagesPath, string labelsPath)
    {
        IdxImages images = IdxReader.ReadImages(imagesPath);
        if (images.Rows != MnistSplit.ImageRows || images.Columns != MnistSplit.ImageColumns)
        {
            throw new InvalidDataException(
                $"The {name} images in '{imagesPath}' are {images.Rows}×{images.Columns} pixels; expected " +
                $"{MnistSplit.ImageRows}×{MnistSplit.ImageColumns}, as in MNIST.");
        }

        byte[] labels = IdxReader.ReadLabels(labelsPath);
        if (labels.Length != images.Count)
        {
            throw new InvalidDataException(
                $"The {name} set does not fit together: '{imagesPath}' holds {images.Count} images but " +
                $"'{labelsPath}' holds {labels.Length} labels; expected one label per image.");
        }

        int outOfRange = labels.AsSpan().IndexOfAnyExceptInRange((byte)0, (byte)(MnistSplit.ClassCount - 1));
        if (outOfRange >= 0)
        {
            throw new InvalidDataException(
                $"Label {outOfRange} in '{labelsPath}' is {labels[outOfRange]}; expected a class from 0 to {MnistSplit.ClassCount - 1}.");
        }
        return new MnistSplit(name, images.Pixels, labels);
    }
}
