using System;
using System.IO;
using AutoDiffGen.Data;

namespace AutoDiffGen.Tests.Data;

/// <summary>MnistDataset loads small synthetic MNIST-style files and copies batches without allocating.</summary>
public sealed class MnistDatasetTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    /// <inheritdoc/>
    public void Dispose() => _directory.Dispose();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Loads_small_synthetic_files_raw_or_gzipped(bool gzip)
    {
        DataTestFiles.WriteMnist(_directory.Path, trainCount: 5, testCount: 3, gzip);

        MnistDataset dataset = MnistDataset.Load(_directory.Path);

        Assert.Equal(5, dataset.Train.Count);
        Assert.Equal(3, dataset.Test.Count);
        Assert.Equal(5 * 784, dataset.Train.Pixels.Length);
        Assert.Equal(DataTestFiles.Label(4), dataset.Train.GetLabel(4));
        Assert.Equal(DataTestFiles.Label(2), dataset.Test.Labels[2]);
        Assert.Equal(DataTestFiles.Pixel(2, 100), dataset.Test.GetImage(2)[100]);
        Assert.EndsWith(gzip ? "t10k-images-idx3-ubyte.gz" : "t10k-images-idx3-ubyte", dataset.Files.TestImages);
    }

    [Fact]
    public void Scaled_batch_is_pixel_over_255_within_0_and_1()
    {
        DataTestFiles.WriteMnist(_directory.Path, trainCount: 5);
        MnistSplit train = MnistDataset.Load(_directory.Path).Train;
        var batch = new float[2 * 784];

        train.CopyScaledImages(first: 3, count: 2, batch);

        for (int i = 0; i < 2; i++)
        {
            for (int p = 0; p < 784; p++)
            {
                float value = batch[(i * 784) + p];
                Assert.Equal(DataTestFiles.Pixel(3 + i, p) / 255f, value);
                Assert.InRange(value, 0f, 1f);
            }
        }
        Assert.Contains(1f, batch);  // 255 maps to exactly 1
        Assert.Contains(0f, batch);
    }

    [Fact]
    public void Raw_batch_keeps_the_pixel_values()
    {
        DataTestFiles.WriteMnist(_directory.Path, trainCount: 4);
        MnistSplit train = MnistDataset.Load(_directory.Path).Train;
        var batch = new float[4 * 784];

        train.CopyRawImages(0, 4, batch);

        for (int k = 0; k < batch.Length; k++)
        {
            Assert.Equal(DataTestFiles.Pixel(k / 784, k % 784), batch[k]);
        }
    }

    [Fact]
    public void Indexed_batch_copies_images_and_labels_in_the_given_order()
    {
        DataTestFiles.WriteMnist(_directory.Path, trainCount: 5);
        MnistSplit train = MnistDataset.Load(_directory.Path).Train;
        int[] indices = [4, 0, 2];
        var images = new double[3 * 784];
        var labels = new int[3];

        train.CopyScaledImages(indices, images);
        train.CopyLabels(indices, labels);

        for (int i = 0; i < indices.Length; i++)
        {
            Assert.Equal(DataTestFiles.Pixel(indices[i], 500) / 255.0, images[(i * 784) + 500]);
            Assert.Equal(DataTestFiles.Label(indices[i]), labels[i]);
        }
    }

    [Fact]
    public void A_longer_destination_keeps_its_tail()
    {
        DataTestFiles.WriteMnist(_directory.Path, trainCount: 5);
        MnistSplit train = MnistDataset.Load(_directory.Path).Train;
        var batch = new float[3 * 784];
        batch.AsSpan().Fill(-1f);

        train.CopyScaledImages(first: 4, count: 1, batch); // a short last batch in a full-size buffer

        Assert.All(batch[784..], value => Assert.Equal(-1f, value));
    }

    [Fact]
    public void Copying_batches_allocates_nothing()
    {
        DataTestFiles.WriteMnist(_directory.Path, trainCount: 5);
        MnistSplit train = MnistDataset.Load(_directory.Path).Train;
        var single = new float[5 * 784];
        var doubles = new double[5 * 784];
        int[] indices = [1, 3];
        var labels = new int[2];
        train.CopyScaledImages(0, 5, single); // first call: the lookup tables are built

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++)
        {
            train.CopyScaledImages(0, 5, single);
            train.CopyScaledImages(indices, doubles);
            train.CopyRawImages(indices, single);
            train.CopyLabels(indices, labels);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void Out_of_range_batches_and_short_destinations_are_argument_errors()
    {
        DataTestFiles.WriteMnist(_directory.Path, trainCount: 5);
        MnistSplit train = MnistDataset.Load(_directory.Path).Train;
        var batch = new float[2 * 784];

        var beyond = Assert.Throws<ArgumentOutOfRangeException>(() => train.CopyScaledImages(first: 4, count: 2, batch));
        Assert.Contains("has 5 images", beyond.Message);
        var shortDestination = Assert.Throws<ArgumentException>(() => train.CopyScaledImages(first: 0, count: 3, batch));
        Assert.Contains("need 2352", shortDestination.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => train.CopyScaledImages([0, 5], batch));
        Assert.Throws<ArgumentOutOfRangeException>(() => train.GetImage(-1));
    }

    [Fact]
    public void Image_and_label_counts_must_match()
    {
        DataTestFiles.WriteMnist(_directory.Path, trainCount: 5);
        string labels = _directory.Write(MnistFiles.TrainLabelsName, DataTestFiles.Labels(4));

        var error = Assert.Throws<InvalidDataException>(() => MnistDataset.Load(_directory.Path));

        Assert.Contains(labels, error.Message);
        Assert.Contains("holds 5 images", error.Message);
        Assert.Contains("holds 4 labels", error.Message);
    }

    [Fact]
    public void Images_must_be_28_by_28()
    {
        DataTestFiles.WriteMnist(_directory.Path);
        string images = _directory.Write(MnistFiles.TestImagesName, DataTestFiles.Images(3, rows: 32, columns: 32));

        var error = Assert.Throws<InvalidDataException>(() => MnistDataset.Load(_directory.Path));

        Assert.Contains(images, error.Message);
        Assert.Contains("32×32", error.Message);
        Assert.Contains("expected 28×28", error.Message);
    }

    [Fact]
    public void Labels_must_be_0_to_9()
    {
        DataTestFiles.WriteMnist(_directory.Path, testCount: 3);
        string labels = _directory.Write(MnistFiles.TestLabelsName, DataTestFiles.Idx(IdxReader.LabelsMagic, [3], [1, 12, 3]));

        var error = Assert.Throws<InvalidDataException>(() => MnistDataset.Load(_directory.Path));

        Assert.Contains(labels, error.Message);
        Assert.Contains("Label 1", error.Message);
        Assert.Contains("is 12", error.Message);
    }

    [Fact]
    public void Missing_files_are_listed_by_name()
    {
        DataTestFiles.WriteMnist(_directory.Path);
        File.Delete(_directory.Combine(MnistFiles.TestLabelsName));

        var error = Assert.Throws<FileNotFoundException>(() => MnistDataset.Load(_directory.Path));

        Assert.Contains(_directory.Path, error.Message);
        Assert.Contains("lacks t10k-labels-idx1-ubyte[.gz]", error.Message);
    }
}
